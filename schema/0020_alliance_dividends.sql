-- Pool dividends (docs/business-rules.md section 3.1 "Dividends", docs/alliance.md "Dividends"):
-- each dividend is a batch that a job starts when the vested pool crosses its threshold and then
-- carries out holder by holder, each chunk of holders in one transaction with the cursor, so that a
-- run cut short anywhere resumes where the last commit left it and never credits a lot twice.

-- One row: the dividend being carried out, if any. Vesting and every dividend step lock it, so no
-- lot vests while a dividend is under way (its lots and its total are fixed when it starts).
CREATE TABLE alliance_pool_state (
  id TINYINT UNSIGNED NOT NULL,
  running_dividend INT UNSIGNED NULL,
  PRIMARY KEY (id),
  CONSTRAINT ck_alliance_pool_state_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO alliance_pool_state (id, running_dividend) VALUES (1, NULL);

-- Dividend n: what it was computed from when it started (the configuration's numbers, the pool
-- S_n, the holders, the wanted total V_n, the fund's free balance), what it credited so far, and
-- where the batch stands (phase and cursor: consumers by user id, then stores by merchant id).
CREATE TABLE alliance_dividends (
  number INT UNSIGNED NOT NULL,
  pool_config_version INT UNSIGNED NOT NULL,
  rate_bp INT NOT NULL,
  quota_bp INT NOT NULL,
  voucher_validity_days INT NOT NULL,
  pool_cp BIGINT NOT NULL,                  -- S_n: the next threshold's base
  consumer_holders INT NOT NULL,
  lots INT NOT NULL,                        -- vested lots with points left
  wanted_fen BIGINT NOT NULL,               -- V_n: the lots' releases before scaling
  fund_free_fen BIGINT NOT NULL,            -- the fund's free balance at the start
  available_fen BIGINT NOT NULL,            -- min(V_n, free): every release is scaled by available / wanted
  released_fen BIGINT NOT NULL DEFAULT 0,   -- credited so far (<= available_fen)
  holders_credited INT NOT NULL DEFAULT 0,
  state VARCHAR(16) NOT NULL,               -- running | done
  phase VARCHAR(16) NOT NULL,               -- consumers | merchants | done
  cursor_id BIGINT UNSIGNED NOT NULL DEFAULT 0,  -- the last holder of the phase carried out
  chunks INT NOT NULL DEFAULT 0,
  started_at DATETIME(6) NOT NULL,
  finished_at DATETIME(6) NULL,
  PRIMARY KEY (number),
  CONSTRAINT ck_alliance_dividends_funded CHECK (released_fen <= available_fen AND available_fen <= fund_free_fen AND available_fen <= wanted_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What each lot released in each dividend: the drill-down of a holder's credit, and the key that
-- makes a second credit of the same lot in the same dividend impossible.
CREATE TABLE alliance_lot_releases (
  dividend_number INT UNSIGNED NOT NULL,
  lot_id BIGINT UNSIGNED NOT NULL,
  holder VARCHAR(16) NOT NULL,
  holder_id BIGINT UNSIGNED NOT NULL,       -- the user (consumer) or the store (merchant)
  fen BIGINT NOT NULL,
  PRIMARY KEY (dividend_number, lot_id),
  KEY ix_alliance_lot_releases_holder (dividend_number, holder, holder_id),
  KEY ix_alliance_lot_releases_lot (lot_id),
  CONSTRAINT fk_alliance_lot_releases_dividend FOREIGN KEY (dividend_number) REFERENCES alliance_dividends (number),
  CONSTRAINT fk_alliance_lot_releases_lot FOREIGN KEY (lot_id) REFERENCES alliance_lots (id),
  CONSTRAINT ck_alliance_lot_releases_positive CHECK (fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A refund of a lot's order takes back the vouchers the lot released, in proportion
-- (released_fen is what the lot has out now; clawed_fen what refunds took back of it).
ALTER TABLE alliance_lots
  ADD COLUMN clawed_fen BIGINT NOT NULL DEFAULT 0 AFTER released_fen,
  ADD KEY ix_alliance_lots_dividend (state, holder, user_id, merchant_id);

-- A dividend's credit: one per holder per dividend.
ALTER TABLE alliance_voucher_credits
  ADD COLUMN dividend_number INT UNSIGNED NULL AFTER order_id,
  ADD COLUMN holder_id BIGINT UNSIGNED AS (COALESCE(user_id, merchant_id)) PERSISTENT,
  ADD UNIQUE KEY uq_alliance_voucher_credits_dividend (dividend_number, holder, holder_id),
  ADD CONSTRAINT fk_alliance_voucher_credits_dividend FOREIGN KEY (dividend_number) REFERENCES alliance_dividends (number);
