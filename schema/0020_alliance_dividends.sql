-- Pool dividends (docs/business-rules.md section 3.1 "Dividends", docs/alliance.md "Dividends"):
-- each dividend is a batch that a job starts when the vested pool crosses its threshold and then
-- carries out a chunk of lots at a time, each chunk in one transaction with the cursor, so that a
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

-- Dividend n: what it was computed from (the configuration's numbers, the pool S_n and its holders
-- when it started; the wanted total V_n and the fund's free balance once planned), what it
-- credited so far, and where the batch stands: planning (lots by id), then consumers' lots by
-- (user, lot), then stores' lots by (store, lot); the cursor is the last holder and lot carried out.
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
  phase VARCHAR(16) NOT NULL,               -- planning | consumers | merchants | done
  cursor_holder BIGINT UNSIGNED NOT NULL DEFAULT 0,  -- the last holder of the phase carried out (planning: 0)
  cursor_lot BIGINT UNSIGNED NOT NULL DEFAULT 0,     -- and its last lot
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
  -- No foreign key to alliance_lots: a dividend writes a million of these rows, and each key
  -- check costs; check-ledger proves every lot's releases against the lot instead.
  CONSTRAINT fk_alliance_lot_releases_dividend FOREIGN KEY (dividend_number) REFERENCES alliance_dividends (number),
  CONSTRAINT ck_alliance_lot_releases_positive CHECK (fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A refund of a lot's order takes back the vouchers the lot released, in proportion
-- (released_fen is what the lot has out now; clawed_fen what refunds took back of it).
-- A dividend reads lots by (user, lot) and (store, lot) through ix_alliance_lots_user and
-- ix_alliance_lots_merchant (each ends with state, then the primary key).
ALTER TABLE alliance_lots
  ADD COLUMN clawed_fen BIGINT NOT NULL DEFAULT 0 AFTER released_fen;

-- A dividend's credit: one per holder per dividend (a holder whose lots span two chunks adds to it).
ALTER TABLE alliance_voucher_credits
  ADD COLUMN dividend_number INT UNSIGNED NULL AFTER order_id,
  ADD COLUMN holder_id BIGINT UNSIGNED AS (COALESCE(user_id, merchant_id)) PERSISTENT,
  ADD UNIQUE KEY uq_alliance_voucher_credits_dividend (dividend_number, holder, holder_id),
  ADD CONSTRAINT fk_alliance_voucher_credits_dividend FOREIGN KEY (dividend_number) REFERENCES alliance_dividends (number);
