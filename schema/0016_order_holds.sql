-- What an order holds until it is paid or closed (docs/members.md, "Points on orders paid later";
-- docs/api.md, "The customer's cards"): the card redemption it carries and that card's discount, read with the order
-- so paying it asks nothing more; the points priced into a WeChat Pay order, held lot by lot
-- until it is paid (spent) or closed unpaid (released to the same lots); when it was closed.

ALTER TABLE orders
  ADD COLUMN card_redemption_id BIGINT UNSIGNED NULL AFTER prepaid_bonus_fen,  -- the card it was placed with
  ADD COLUMN card_discount_fen BIGINT NOT NULL DEFAULT 0 AFTER card_redemption_id,  -- that card's discount, off the profit
  ADD COLUMN closed_at DATETIME(6) NULL AFTER member_vested_at;               -- closed unpaid (status 'closed')

UPDATE orders o JOIN card_redemptions r ON r.order_id = o.id
   SET o.card_redemption_id = r.id, o.card_discount_fen = r.discount_fen;

-- One row per lot drawn for an unpaid order's points. `held` until the order is paid (`spent`)
-- or closed (`released`: the points go back to the lot they came from, with its expiry).
CREATE TABLE member_point_holds (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  order_id BIGINT UNSIGNED NOT NULL,
  lot_id BIGINT UNSIGNED NOT NULL,
  points BIGINT NOT NULL,
  state ENUM('held', 'spent', 'released') NOT NULL DEFAULT 'held',
  created_at DATETIME(6) NOT NULL,
  ended_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_member_point_holds (order_id, lot_id),
  KEY ix_member_point_holds_person (merchant_id, user_id, state),
  CONSTRAINT fk_member_point_holds_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT fk_member_point_holds_lot FOREIGN KEY (lot_id) REFERENCES member_point_lots (id),
  CONSTRAINT ck_member_point_holds CHECK (points > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE member_point_moves
  MODIFY COLUMN kind ENUM('earned', 'vested', 'reversed', 'spent', 'returned', 'expired', 'exchanged', 'held', 'released') NOT NULL;
