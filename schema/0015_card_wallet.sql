-- The customer's cards (issue 26): a template's benefit as numbers the desk can apply, the held
-- card's state, its short-lived redemption code, and the redemptions themselves.

-- What a card takes off the bill (docs/business-rules.md, "Cards at the desk"). `described`: the
-- benefit text alone, given by hand (every template made before this migration).
ALTER TABLE card_templates
  ADD COLUMN offer_kind ENUM('described', 'amount_off', 'percent_off', 'free_item') NOT NULL DEFAULT 'described' AFTER benefit,
  ADD COLUMN amount_off_fen BIGINT NULL AFTER offer_kind,
  ADD COLUMN percent_off_bp INT UNSIGNED NULL AFTER amount_off_fen,
  ADD COLUMN discount_cap_fen BIGINT NULL AFTER percent_off_bp,
  ADD COLUMN free_item VARCHAR(128) NULL AFTER discount_cap_fen,
  ADD COLUMN min_spend_fen BIGINT NOT NULL DEFAULT 0 AFTER free_item,
  -- NULL: the held card is valid until the template's valid_until; N: until the end of the N-th
  -- local day (the store's time zone) counting the day of the claim, and never past valid_until.
  ADD COLUMN valid_days INT UNSIGNED NULL AFTER valid_until;

-- A held card is redeemed while redemption_id names its live redemption (a refund of the order it
-- discounted clears it again); revoked_at is final. `expired` is derived from the validity.
ALTER TABLE card_claims
  ADD COLUMN redemption_id BIGINT UNSIGNED NULL,
  ADD COLUMN revoked_at DATETIME(6) NULL,
  ADD COLUMN expiry_reminded_at DATETIME(6) NULL,
  ADD KEY ix_card_claims_merchant (merchant_id, id);

-- One live code per held card: making a new one overwrites the row, so the old code stops working.
-- The code is unique among all rows (expired ones included), so a number names one card.
CREATE TABLE card_codes (
  card_claim_id BIGINT UNSIGNED NOT NULL,
  holder_user_id BIGINT UNSIGNED NOT NULL,
  code CHAR(12) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (card_claim_id),
  UNIQUE KEY uq_card_codes_code (code),
  CONSTRAINT fk_card_codes_claim FOREIGN KEY (card_claim_id) REFERENCES card_claims (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A card accepted at the desk: once per (store, request_id), so a retried call is answered again.
CREATE TABLE card_redemptions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  card_claim_id BIGINT UNSIGNED NOT NULL,
  card_template_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,        -- the pack's partner, who shared the card
  customer_user_id BIGINT UNSIGNED NOT NULL,  -- the holder
  request_id VARCHAR(64) NOT NULL,
  code CHAR(12) NOT NULL,                     -- as presented: part of what makes a retry "the same"
  via ENUM('desk', 'pos') NOT NULL,           -- staff signed in, or the store's POS (signed)
  redeemed_by_user_id BIGINT UNSIGNED NULL,   -- the cashier, manager or owner; NULL: the POS
  bill_fen BIGINT NULL,                       -- the bill before the card, when the desk gave it
  discount_fen BIGINT NOT NULL,
  order_id BIGINT UNSIGNED NULL,              -- the order it discounted, once attached
  undone_at DATETIME(6) NULL,                 -- a refund of that order gave the card back
  undone_by_refund_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_card_redemptions_request (merchant_id, request_id),
  UNIQUE KEY uq_card_redemptions_order (order_id),
  KEY ix_card_redemptions_claim (card_claim_id, id),
  KEY ix_card_redemptions_merchant (merchant_id, created_at),
  CONSTRAINT fk_card_redemptions_claim FOREIGN KEY (card_claim_id) REFERENCES card_claims (id),
  CONSTRAINT fk_card_redemptions_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT ck_card_redemptions_discount CHECK (discount_fen >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
