import type { Schemas } from '../../api/client'

type State = Schemas['PayoutState']

export const payoutStates: State[] = [
  'awaiting_approval',
  'creating',
  'wait_user_confirm',
  'transferring',
  'cancelling',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
]

export const stateTagType: Record<State, 'primary' | 'success' | 'warning' | 'info' | 'danger'> = {
  awaiting_approval: 'warning',
  creating: 'primary',
  wait_user_confirm: 'primary',
  transferring: 'primary',
  cancelling: 'info',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'info',
  rejected: 'danger',
}
