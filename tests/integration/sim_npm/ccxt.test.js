// ccxt (pinned in package.json) against tradebot-sim, unchanged apart from the base URLs and the
// scenario's keys: every URL ccxt knows for the venue keeps its path and gets the simulator's host.
// Covers loading markets (with ccxt's currency loading on), market data, open interest, OHLCV and
// mark-price OHLCV, funding, balance, leverage and margin mode, leverage tiers, trading fees,
// market/limit/reduce-only orders, editOrder, stop-loss, take-profit and trailing stop (Binance algo
// orders with an activation price, Bybit conditional orders / trading-stop), open/trigger/closed/
// cancelled order queries, cancels, positions, my trades, Binance symbol configuration and income as
// the ledger, Bybit closed PnL and the transaction log as the ledger, funding rate history on both,
// and the error classes ccxt raises for venue errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const ccxt = require('ccxt');
const { control } = require('./sim_control');

const keys = { apiKey: 'sim-api-key', secret: 'sim-api-secret' };

// Only the scheme/host/port of each of ccxt's URLs changes; Bybit's '{hostname}' template too.
function pointAtSim(exchange, port) {
  for (const [name, url] of Object.entries(exchange.urls.api)) {
    const path = new URL(url.replace('{hostname}', 'bybit.com')).pathname;
    exchange.urls.api[name] = `https://127.0.0.1:${port}${path === '/' ? '' : path}`;
  }
  return exchange;
}

async function rejectsWith(promise, errorClass, codeText) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof errorClass, `${e.constructor.name}: ${e.message}`);
    if (codeText) assert.match(e.message, new RegExp(`"(code|retCode)":${codeText}[,}]`));
    return true;
  });
}

// The venue code the simulator sent, and the class ccxt raises for it. Where ccxt chooses the error
// table by host (Binance: only https://fapi.binance.com/ gets the USDⓈ-M table), also the class
// ccxt raises for the simulator's very answer when it comes from the real host: the answer is fed
// to ccxt's own handleErrors with the venue's URL.
async function venueError(ex, promise, expected) {
  let answer;
  await rejectsWith(promise.catch((e) => {
    answer = e.message.slice(e.message.indexOf('{'));
    throw e;
  }), expected.cls, expected.code);
  if (expected.realHost) {
    const { url, cls } = expected.realHost;
    assert.throws(() => ex.handleErrors(400, 'Bad Request', url, 'POST', {}, answer, JSON.parse(answer), {}, ''),
      (e) => e instanceof cls,
      `at ${url} ccxt raises ${cls.name} for ${answer}`);
  }
}

// The same session on both venues; `venue` carries what differs (symbol, prices, venue codes).
async function session(t, ex, venue) {
  const { port, symbol, id, price, limitPrice, stopPrice } = venue;
  await control(port, 'POST', '/sim/price', { symbol: id, price: String(price) });

  await t.test('loadMarkets with currencies', async () => {
    const markets = await ex.loadMarkets();
    const m = markets[symbol];
    assert.ok(m, `${symbol} listed`);
    assert.equal(m.id, id);
    assert.equal(m.swap, true);
    assert.equal(m.linear, true);
    assert.equal(m.settle, 'USDT');
    // From the venue's coin list (Binance capital/config/getall, Bybit asset/coin/query-info), not
    // derived from the markets: the raw coin row is the currency's info.
    assert.equal(ex.currencies.USDT?.info?.coin, 'USDT', 'USDT from the coin list');
    assert.ok(Object.values(markets).every((x) => x.swap && x.linear), 'only linear swaps');
  });

  await t.test('market data', async () => {
    const ticker = await ex.fetchTicker(symbol);
    assert.equal(ticker.last, price);
    const tickers = await ex.fetchTickers([symbol]);
    assert.equal(tickers[symbol].last, price);
    const book = await ex.fetchOrderBook(symbol, 5);
    assert.ok(book.bids.length > 0 && book.asks.length > 0);
    assert.ok(book.bids[0][0] < book.asks[0][0]);
    const funding = await ex.fetchFundingRate(symbol);
    assert.equal(funding.symbol, symbol);
    assert.equal(funding.markPrice, price);
    assert.equal(typeof funding.fundingRate, 'number');
    assert.ok(funding.fundingTimestamp > Date.now() - 60000, 'next funding time');
    const oi = await ex.fetchOpenInterest(symbol);
    assert.equal(oi.symbol, symbol);
    assert.equal(typeof oi.openInterestAmount, 'number');
    // Binance markPriceKlines, Bybit mark-price-kline: the mark's candles, no volume.
    const marks = await ex.fetchMarkOHLCV(symbol, '1m', undefined, 3);
    assert.ok(marks.length >= 1, 'the current minute at least');
    assert.equal(marks.at(-1)[4], price, 'the close is the mark');
    assert.ok(!marks.at(-1)[5], 'a mark price has no volume');
  });

  await t.test('balance, leverage, margin mode', async () => {
    const balance = await ex.fetchBalance();
    assert.ok(balance.USDT.total > 0, 'a USDT wallet');
    assert.ok(balance.USDT.free <= balance.USDT.total);
    await ex.setLeverage(5, symbol);
    await ex.setMarginMode('isolated', symbol);
    await ex.setMarginMode('cross', symbol);
  });

  await t.test('leverage tiers and trading fee', async () => {
    // Binance leverageBracket, Bybit risk-limit: default.yaml derives the tiers from max_leverage.
    const tiers = (await ex.fetchLeverageTiers([symbol]))[symbol];
    assert.deepEqual(tiers.map((x) => x.maxLeverage), venue.tiers);
    assert.equal(tiers[0].minNotional, 0);
    assert.equal(tiers[1].minNotional, tiers[0].maxNotional);
    for (const x of tiers) assert.equal(x.maintenanceMarginRate, 0.004);  // default.yaml's derived tiers
    // Binance commissionRate, Bybit account/fee-rate: the scenario account's rates.
    const fee = await ex.fetchTradingFee(symbol);
    assert.equal(fee.maker, 0.0002);
    assert.equal(fee.taker, 0.0005);
  });

  await t.test('orders, stop-loss, positions, trades', async () => {
    await ex.cancelAllOrders(symbol);
    const entry = await ex.createOrder(symbol, 'market', 'buy', 0.01);
    assert.ok(entry.id, 'an order id');
    let positions = (await ex.fetchPositions([symbol])).filter((p) => p.contracts > 0);
    assert.equal(positions.length, 1);
    assert.equal(positions[0].side, 'long');
    assert.equal(positions[0].contracts, 0.01);
    assert.equal(positions[0].symbol, symbol);

    const limit = await ex.createOrder(symbol, 'limit', 'buy', 0.01, limitPrice);
    let open = await ex.fetchOpenOrders(symbol);
    assert.deepEqual(open.map((o) => o.id), [limit.id]);
    assert.equal(open[0].price, limitPrice);
    assert.equal(open[0].type, 'limit');

    const stop = await ex.createOrder(symbol, 'market', 'sell', 0.01, undefined,
      { stopLossPrice: stopPrice, reduceOnly: true });
    const triggers = await ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true });
    const listed = triggers.find((o) => o.id === stop.id);
    assert.ok(listed, 'the stop is among the open trigger orders');
    assert.equal(listed.triggerPrice, stopPrice);
    assert.equal(listed.side, 'sell');
    await ex.cancelOrder(stop.id, symbol, { trigger: true });
    const afterCancel = await ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true });
    assert.ok(!afterCancel.some((o) => o.id === stop.id), 'the stop is gone');

    // Take-profit and trailing stop, both reduce-only sells on the long; cancelled together.
    const tp = await ex.createOrder(symbol, 'market', 'sell', 0.01, undefined,
      { takeProfitPrice: venue.takeProfitPrice, reduceOnly: true });
    const trailing = await ex.createOrder(symbol, 'market', 'sell', 0.01, undefined, venue.trailing);
    const armed = await ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true });
    assert.ok(armed.some((o) => o.id === tp.id && o.triggerPrice === venue.takeProfitPrice), 'the take-profit');
    await venue.checkTrailing(trailing, armed, ex, symbol);
    await ex.cancelAllOrders(symbol, { trigger: true });
    assert.equal((await ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true })).length, 0);

    await ex.cancelOrder(limit.id, symbol);
    await rejectsWith(ex.cancelOrder(limit.id, symbol), ccxt.OrderNotFound);
    await ex.createOrder(symbol, 'limit', 'buy', 0.01, limitPrice);
    await ex.createOrder(symbol, 'limit', 'buy', 0.02, limitPrice);
    assert.equal((await ex.fetchOpenOrders(symbol)).length, 2);
    await ex.cancelAllOrders(symbol);
    assert.equal((await ex.fetchOpenOrders(symbol)).length, 0);

    // editOrder: Binance PUT order (the order keeps its id), Bybit order/amend.
    const resting = await ex.createOrder(symbol, 'limit', 'buy', 0.01, limitPrice);
    const edited = await ex.editOrder(resting.id, symbol, 'limit', 'buy', 0.02, venue.editPrice);
    assert.equal(edited.id, resting.id);
    const [amended] = await ex.fetchOpenOrders(symbol);
    assert.equal(amended.id, resting.id);
    assert.equal(amended.amount, 0.02);
    assert.equal(amended.price, venue.editPrice);
    await ex.cancelOrder(resting.id, symbol);

    // Reduce-only cannot open the other side: more than the position closes it only.
    const close = await ex.createOrder(symbol, 'market', 'sell', 0.01, undefined, { reduceOnly: true });
    assert.ok(close.id);
    venue.closeId = close.id;
    positions = (await ex.fetchPositions([symbol])).filter((p) => p.contracts > 0);
    assert.equal(positions.length, 0, 'flat after the reduce-only close');

    const closed = await ex.fetchClosedOrders(symbol);
    assert.ok(closed.some((o) => o.id === entry.id && o.status === 'closed' && o.filled === 0.01), 'the entry, filled');
    const canceled = await ex.fetchCanceledOrders(symbol);
    assert.ok(canceled.some((o) => o.id === limit.id && o.status === 'canceled'), 'the cancelled limit');

    const trades = await ex.fetchMyTrades(symbol);
    const mine = trades.filter((tr) => tr.order === entry.id || tr.order === close.id);
    assert.equal(mine.length, 2, 'the entry and the close');
    assert.deepEqual(mine.map((tr) => tr.side).sort(), ['buy', 'sell']);
    for (const tr of mine) {
      assert.equal(tr.amount, 0.01);
      assert.ok(tr.fee && tr.fee.cost > 0 && tr.fee.currency === 'USDT', 'a USDT fee');
    }
  });

  if (venue.extra) await t.test(venue.extra.name, () => venue.extra.run(ex, symbol));

  await t.test('OHLCV from the trades', async () => {
    // The simulator builds candles from its fills; the session above traded 0.02 in the last minutes.
    const candles = await ex.fetchOHLCV(symbol, '1m', undefined, 5);
    assert.ok(candles.length >= 1, 'at least the current minute');
    for (const c of candles) {
      assert.equal(c.length, 6);
      assert.ok(c[2] >= c[1] && c[2] >= c[4] && c[3] <= c[1] && c[3] <= c[4], 'high/low bound open/close');
    }
    // Summed over the candles returned: a minute may have closed since the session's last fill.
    const volume = candles.reduce((sum, c) => sum + c[5], 0);
    assert.ok(volume >= 0.02, `the candles hold the session's volume (${volume})`);
  });

  await t.test('venue errors map to ccxt error classes', async () => {
    await rejectsWith(ex.cancelOrder('123456789', symbol), ccxt.OrderNotFound);
    await venueError(ex, ex.createOrder(symbol, 'market', 'buy', 100), venue.insufficient);
    await venueError(ex, ex.createOrder(symbol, 'market', 'sell', 0.01, undefined, { reduceOnly: true }),
      venue.reduceOnly);
  });
}

test('ccxt binanceusdm', async (t) => {
  const port = Number(process.env.SIM_BINANCE_PORT);
  const ex = pointAtSim(new ccxt.binanceusdm(keys), port);
  await session(t, ex, {
    port, symbol: 'BTC/USDT:USDT', id: 'BTCUSDT', price: 60000, limitPrice: 50000, stopPrice: 50000,
    takeProfitPrice: 70000, tiers: [125, 50, 20], editPrice: 50100,
    // An algo TRAILING_STOP_MARKET with a 1 % callback (ccxt's trailingPercent is callbackRate) that
    // activates at 61000 (ccxt's trailingTriggerPrice, sent as activationPrice: the algo API's
    // activatePrice).
    trailing: { trailingPercent: 1, trailingTriggerPrice: 61000, reduceOnly: true },
    checkTrailing: (order, armed) => {
      const o = armed.find((x) => x.id === order.id);
      assert.ok(o, 'the trailing stop is an open trigger order');
      assert.equal(o.info.orderType, 'TRAILING_STOP_MARKET');
      assert.equal(o.info.callbackRate, '1');
      assert.equal(Number(o.info.activatePrice), 61000);
    },
    extra: {
      name: 'symbol configuration, and income as the ledger',
      run: async (ex, symbol) => {
        // GET /fapi/v1/symbolConfig after the session's setLeverage(5) and setMarginMode('cross').
        const leverage = await ex.fetchLeverage(symbol);
        assert.equal(leverage.longLeverage, 5);
        assert.equal(leverage.marginMode, 'cross');
        await ex.setMarginMode('isolated', symbol);
        assert.equal((await ex.fetchMarginMode(symbol)).marginMode, 'isolated');
        await ex.setMarginMode('cross', symbol);

        // GET /fapi/v1/income: each fill's commission and each close's realized PnL.
        const ledger = await ex.fetchLedger('USDT');
        const kinds = new Set(ledger.map((e) => e.info.incomeType));
        assert.ok(kinds.has('COMMISSION') && kinds.has('REALIZED_PNL'), [...kinds].join(','));
        for (const e of ledger) assert.equal(e.currency, 'USDT');
        assert.ok(Array.isArray(await ex.fetchFundingHistory(symbol)));
      },
    },
    // ccxt picks its linear (fapi) error table by the URL's host (https://fapi.binance.com/): at any
    // other host only its generic table applies, which has no entry for these codes, so the class
    // raised here is ExchangeError; the same answer from the real host gives the linear table's class.
    insufficient: { cls: ccxt.ExchangeError, code: '-2019',
      realHost: { url: 'https://fapi.binance.com/fapi/v1/order', cls: ccxt.InsufficientFunds } },
    reduceOnly: { cls: ccxt.ExchangeError, code: '-2022',
      realHost: { url: 'https://fapi.binance.com/fapi/v1/order', cls: ccxt.InvalidOrder } },
  });
});

const bybitVenue = {};

test('ccxt bybit', async (t) => {
  const port = Number(process.env.SIM_BYBIT_PORT);
  const ex = pointAtSim(new ccxt.bybit(keys), port);
  await session(t, ex, Object.assign(bybitVenue, {
    port, symbol: 'ETH/USDT:USDT', id: 'ETHUSDT', price: 3000, limitPrice: 2500, stopPrice: 2500,
    takeProfitPrice: 3600, tiers: [100, 50, 20], editPrice: 2510,
    // ccxt sends a trailing amount as the position's trading-stop trailingStop (a price distance);
    // it does not fill in tpslMode or positionIdx, which the venue requires (§B7): the caller passes them.
    trailing: { trailingAmount: 30, trailingTriggerPrice: 3030, tpslMode: 'Full', positionIdx: 0 },
    checkTrailing: async (order, armed, ex, symbol) => {
      // A position attribute, not an order the simulator lists [U]; it goes when the position closes.
      const [position] = (await ex.fetchPositions([symbol])).filter((p) => p.contracts > 0);
      assert.equal(Number(position.info.trailingStop), 30);
    },
    extra: {
      name: 'closed PnL, and the transaction log as the ledger',
      run: async (ex, symbol) => {
        // GET /v5/position/closed-pnl: the session's reduce-only close, net of both fees.
        const history = await ex.fetchPositionsHistory([symbol]);
        const row = history.find((p) => p.info.orderId === bybitVenue.closeId);
        assert.ok(row, 'the close is in the closed PnL');
        assert.equal(row.side, 'long');
        assert.equal(row.contracts, 0.01);
        const i = row.info;
        const net = Number(i.cumExitValue) - Number(i.cumEntryValue) - Number(i.openFee) - Number(i.closeFee);
        assert.ok(Math.abs(row.realizedPnl - net) < 1e-8, `${row.realizedPnl} = ${net}`);
        assert.ok(Number(i.openFee) > 0 && Number(i.closeFee) > 0);

        // GET /v5/account/transaction-log: one TRADE row per fill with the wallet after it.
        const ledger = await ex.fetchLedger('USDT');
        const close = ledger.find((e) => e.info.orderId === bybitVenue.closeId);
        assert.ok(close, 'the close is in the ledger');
        assert.equal(close.info.type, 'TRADE');
        assert.equal(close.currency, 'USDT');
        assert.equal(close.amount, Math.abs(Number(close.info.change)));
        assert.equal(close.after, Number(close.info.cashBalance));
        const wallet = (await ex.fetchBalance()).info.result.list[0].coin.find((c) => c.coin === 'USDT');
        const newest = ledger.reduce((a, b) => (Number(b.id) > Number(a.id) ? b : a));
        assert.equal(newest.after, Number(wallet.walletBalance), 'the newest row ends at the wallet balance');
      },
    },
    insufficient: { cls: ccxt.InsufficientFunds, code: '110007' },
    reduceOnly: { cls: ccxt.InvalidOrder, code: '110017' },
  }));
});

// Last, because it moves the simulator's clock past a funding time: signed calls would then carry
// timestamps outside the receive window, public ones still work.
test('ccxt funding rate history after a settlement (binanceusdm, bybit)', async () => {
  const port = Number(process.env.SIM_BINANCE_PORT);
  const ex = pointAtSim(new ccxt.binanceusdm(keys), port);
  const bybit = pointAtSim(new ccxt.bybit(keys), Number(process.env.SIM_BYBIT_PORT));
  await bybit.loadMarkets();  // signed calls, so before the clock moves
  const symbol = 'BTC/USDT:USDT';
  const next = (await ex.fetchFundingRate(symbol)).fundingTimestamp;
  const before = await ex.fetchFundingRateHistory(symbol);
  await control(port, 'POST', '/sim/advance', { ms: next - Date.now() + 1000 });
  const after = await ex.fetchFundingRateHistory(symbol);
  assert.equal(after.length, before.length + 1, 'one settlement more');
  const last = after.at(-1);
  assert.equal(last.symbol, symbol);
  assert.equal(last.timestamp, next);
  assert.equal(typeof last.fundingRate, 'number');

  // The same settlement on Bybit (one simulator clock): GET /v5/market/funding/history.
  const rates = await bybit.fetchFundingRateHistory('ETH/USDT:USDT');
  assert.equal(rates.length, 1, 'the one settlement since the simulator started');
  assert.equal(rates[0].symbol, 'ETH/USDT:USDT');
  assert.equal(rates[0].timestamp, next);
  assert.equal(rates[0].fundingRate, 0.0001);
});
