import { AsyncPipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, Input, OnChanges } from '@angular/core';
import { Observable } from 'rxjs';
import type { OrderBook, Trade } from 'rx-market';
import { MarketService } from './market.service';

/** A book ladder (asks above bids) and the trade tape of one symbol, through the `async` pipe. */
@Component({
  selector: 'rx-book-and-trades',
  standalone: true,
  imports: [AsyncPipe, DecimalPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="status">{{ status$ | async }}</p>
    @if (book$ | async; as book) {
      <table class="book">
        @for (level of asksHighFirst(book); track level.price) {
          <tr class="ask">
            <td></td>
            <td>{{ level.price | number }}</td>
            <td>{{ level.size | number }}</td>
          </tr>
        }
        @for (level of book.bids; track level.price) {
          <tr class="bid">
            <td>{{ level.size | number }}</td>
            <td>{{ level.price | number }}</td>
            <td></td>
          </tr>
        }
      </table>
    }
    <ul class="trades">
      @for (trade of tape$ | async; track $index) {
        <li [class]="trade.side ?? 'unknown'">{{ trade.time }} {{ trade.price | number }} × {{ trade.size | number }}</li>
      }
    </ul>
  `,
})
export class BookAndTradesComponent implements OnChanges {
  @Input({ required: true }) symbol!: string;

  readonly status$: Observable<string>;
  book$!: Observable<OrderBook>;
  tape$!: Observable<readonly Trade[]>;

  constructor(private readonly market: MarketService) {
    this.status$ = market.status$;
  }

  ngOnChanges(): void {
    this.book$ = this.market.book$(this.symbol);
    this.tape$ = this.market.tape$(this.symbol, 15);
  }

  asksHighFirst(book: OrderBook): OrderBook['asks'] {
    return [...book.asks].reverse();
  }
}
