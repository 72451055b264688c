'use strict';
// Preloaded (`node -r`) into a CLI process by the golden test: Date.now() answers a fixed
// instant, so times the wire does not carry (Kiwoom's trading date, receive times) are repeatable.
const fixed = Number(process.env.RX_MARKET_FIXED_NOW);
if (Number.isFinite(fixed)) Date.now = () => fixed;
