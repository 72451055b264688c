// The README's quick start, kept here so that `npm test` type-checks it.
import { kiwoom } from 'rx-market';
import { bars } from 'rx-market/operators';

const feed = kiwoom(); // KIWOOM_APPKEY / KIWOOM_SECRETKEY from the environment
feed
  .trades$('005930')
  .pipe(bars(60_000)) // nothing connects until this line subscribes
  .subscribe((bar) => console.log(bar.open, bar.high, bar.low, bar.close, bar.volume));
feed.orderBook$('005930').subscribe((book) => console.log(book.bids[0], book.asks[0]));
feed.status$.subscribe((s) => console.error(s.state)); // connecting, open, reconnecting, closed
feed.errors$.subscribe((e) => console.error(e.kind, e.message)); // bad frames never kill the feed
