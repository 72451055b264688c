// What the size budget measures: a Kiwoom feed and the `bars` operator, as an app imports them.
import { kiwoom } from 'rx-market';
import { bars } from 'rx-market/operators';

const feed = kiwoom({ token: () => fetch('/api/kiwoom-token').then((r) => r.text()) });
feed
  .trades$('005930')
  .pipe(bars(60_000))
  .subscribe((bar) => console.log(bar));
feed.orderBook$('005930').subscribe((book) => console.log(book.bids[0]));
