/**
 * One-minute OHLCV bars of one symbol from stored trades, by the trades' own timestamps (epoch
 * ms, bucketed on the minute). Parameters: symbol, from (epoch ms, inclusive), to (exclusive).
 * Open and close are the first and last trade of the minute in timestamp order (then insertion
 * order), as the `bars` operator takes them.
 *
 *   db.prepare(minuteBarsSql).all('005930', 0, Date.now())
 *   // [{ minute: 1764720060000, open: 71400, high: 72000, low: 70800, close: 70900, volume: 24859, trades: 113 }, ...]
 */
export const minuteBarsSql = `
WITH t AS (
  SELECT (timestamp / 60000) * 60000 AS minute, timestamp, rowid AS seq, price, size
  FROM trades
  WHERE symbol = ? AND timestamp >= ? AND timestamp < ?
),
ranked AS (
  SELECT minute, price, size,
         ROW_NUMBER() OVER (PARTITION BY minute ORDER BY timestamp, seq) AS first_rank,
         ROW_NUMBER() OVER (PARTITION BY minute ORDER BY timestamp DESC, seq DESC) AS last_rank
  FROM t
)
SELECT minute,
       MAX(CASE WHEN first_rank = 1 THEN price END) AS open,
       MAX(price) AS high,
       MIN(price) AS low,
       MAX(CASE WHEN last_rank = 1 THEN price END) AS close,
       SUM(size) AS volume,
       COUNT(*) AS trades
FROM ranked
GROUP BY minute
ORDER BY minute`;
