import { describe, expect, it } from 'vitest'

import { formatFen, parseYuan } from './money'
import { formatBp, parsePercent } from './ratio'

describe('formatFen', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [99, '¥0.99'],
    [100, '¥1.00'],
    [123456, '¥1,234.56'],
    [100000000, '¥1,000,000.00'],
    [-5, '-¥0.05'],
    [-123456, '-¥1,234.56'],
    [Number.MAX_SAFE_INTEGER, '¥90,071,992,547,409.91'],
  ])('shows %i fen as %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text)
  })

  it('refuses what is not an integer amount of fen', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError)
    expect(() => formatFen(Number.NaN)).toThrow(RangeError)
    expect(() => formatFen(2 ** 60)).toThrow(RangeError)
  })
})

describe('parseYuan', () => {
  it.each([
    ['0', 0],
    ['1', 100],
    ['1.5', 150],
    ['1.05', 105],
    ['19.99', 1999],
    ['0.1', 10],
    ['0.29', 29],
    ['1,234.56', 123456],
    ['1,234,567', 123456700],
    ['¥12.30', 1230],
    ['  8 ', 800],
    ['12.', 1200],
    ['１２．５', 1250],
    ['￥１，２３４．５６', 123456],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('reads %s as %i fen', (text, fen) => {
    expect(parseYuan(text)).toEqual({ ok: true, value: fen })
  })

  it('is exact where floats are not', () => {
    // 1.13 * 100 is 112.99999999999999 in binary floating point; 4.35 * 100 is 434.99999999999994.
    expect(parseYuan('1.13')).toEqual({ ok: true, value: 113 })
    expect(parseYuan('4.35')).toEqual({ ok: true, value: 435 })
    expect(parseYuan('0.07')).toEqual({ ok: true, value: 7 })
  })

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'not_a_number'],
    ['1e3', 'not_a_number'],
    ['1.2.3', 'not_a_number'],
    ['12,34', 'not_a_number'],
    ['1,2345', 'not_a_number'],
    ['.5', 'not_a_number'],
    ['+5', 'not_a_number'],
    ['0x10', 'not_a_number'],
    ['1.234', 'too_many_decimals'],
    ['1,234.567', 'too_many_decimals'],
    ['-1', 'negative'],
    ['-¥1.00', 'negative'],
    ['90071992547409.92', 'too_large'],
    ['99999999999999999999', 'too_large'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(parseYuan(text)).toEqual({ ok: false, reason })
  })

  it('reads negative amounts only when asked to', () => {
    expect(parseYuan('-1.5', { allowNegative: true })).toEqual({ ok: true, value: -150 })
    expect(parseYuan('-¥1,000', { allowNegative: true })).toEqual({ ok: true, value: -100000 })
    expect(parseYuan('-0')).toEqual({ ok: true, value: 0 })
  })

  it('gives back what formatFen shows', () => {
    for (const fen of [0, 1, 10, 99, 100, 101, 123456, 987654321, Number.MAX_SAFE_INTEGER]) {
      expect(parseYuan(formatFen(fen))).toEqual({ ok: true, value: fen })
    }
  })
})

describe('formatBp', () => {
  it.each([
    [0, '0%'],
    [1, '0.01%'],
    [10, '0.1%'],
    [500, '5%'],
    [550, '5.5%'],
    [1234, '12.34%'],
    [10000, '100%'],
    [-250, '-2.5%'],
  ])('shows %i bp as %s', (bp, text) => {
    expect(formatBp(bp)).toBe(text)
  })

  it('refuses fractions of a basis point', () => {
    expect(() => formatBp(0.5)).toThrow(RangeError)
  })
})

describe('parsePercent', () => {
  it.each([
    ['5', 500],
    ['5%', 500],
    ['12.34', 1234],
    ['0.01', 1],
    ['100', 10000],
    ['３０％', 3000],
  ])('reads %s as %i bp', (text, bp) => {
    expect(parsePercent(text)).toEqual({ ok: true, value: bp })
  })

  it.each([
    ['', 'empty'],
    ['abc', 'not_a_number'],
    ['1.001', 'too_many_decimals'],
    ['-1', 'negative'],
    ['100.01', 'too_large'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(parsePercent(text)).toEqual({ ok: false, reason })
  })

  it('gives back what formatBp shows', () => {
    for (const bp of [0, 1, 10, 99, 500, 1234, 9999, 10000]) expect(parsePercent(formatBp(bp))).toEqual({ ok: true, value: bp })
  })
})
