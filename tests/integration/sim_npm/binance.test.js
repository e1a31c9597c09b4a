// The npm `binance` package (tiagosiebler/binance) against tradebot-sim, unchanged apart from the
// base URLs and keys: market data, mark price klines, leverage brackets, leverage, market order,
// Algo stop, modify and cancel, positions, balances and the user data stream.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { USDMClient, WebsocketClient } = require('binance');
const { control, waitFor } = require('./sim_control');

const port = Number(process.env.SIM_BINANCE_PORT);
const baseUrl = `https://127.0.0.1:${port}`;
const keys = { api_key: 'sim-api-key', api_secret: 'sim-api-secret' };
const client = new USDMClient({ ...keys, baseUrl, beautifyResponses: true });
const symbol = 'BTCUSDT';

test('binance market data', async () => {
  const serverTime = await client.getServerTime();
  assert.ok(Math.abs(serverTime - Date.now()) < 5000, `server time ${serverTime}`);
  const info = await client.getExchangeInfo();
  const btc = info.symbols.find((s) => s.symbol === symbol);
  assert.ok(btc, 'BTCUSDT listed');
  const lot = btc.filters.find((f) => f.filterType === 'LOT_SIZE');
  assert.equal(Number(lot.stepSize), 0.001);
  const priceFilter = btc.filters.find((f) => f.filterType === 'PRICE_FILTER');
  assert.equal(Number(priceFilter.tickSize), 0.1);
  await control(port, 'POST', '/sim/price', { symbol, price: '60000' });
  const mark = await client.getMarkPrice({ symbol });
  assert.equal(Number(mark.markPrice), 60000);
  const ticker = await client.getSymbolPriceTicker({ symbol });
  assert.equal(Number(ticker.price), 60000);
  const book = await client.getSymbolOrderBookTicker({ symbol });
  assert.ok(Number(book.bidPrice) < Number(book.askPrice));
});

test('binance mark price klines', async () => {
  await control(port, 'POST', '/sim/price', { symbol, price: '60500' });
  await control(port, 'POST', '/sim/price', { symbol, price: '60000' });
  const raw = new USDMClient({ ...keys, baseUrl });
  const candles = await raw.getMarkPriceKlines({ symbol, interval: '1m', limit: 3 });
  assert.ok(candles.length >= 1 && candles.length <= 3, `${candles.length} candles`);
  const [openTime, , , , close, volume, closeTime] = candles.at(-1);
  assert.equal(closeTime, openTime + 59999);
  assert.equal(Number(close), 60000);
  assert.ok(Math.max(...candles.map((c) => Number(c[2]))) >= 60500, 'the mark went through 60500');
  assert.equal(volume, '0', 'a mark price has no volume');
});

test('binance signed errors come back as the venue sends them', async () => {
  const wrong = new USDMClient({ api_key: 'sim-api-key', api_secret: 'not-the-secret', baseUrl });
  await assert.rejects(wrong.getBalanceV3(), (e) => e.code === -1022);
  await assert.rejects(client.submitNewOrder({ symbol, side: 'BUY', type: 'MARKET', quantity: 0.0001 }),
    (e) => e.code === -4003 || e.code === -1111 || e.code === -4164, 'a quantity below the step is refused');
});

test('binance leverage brackets, and the venue refusing a leverage above bracket 1', async () => {
  const one = await client.getNotionalAndLeverageBrackets({ symbol });
  const row = Array.isArray(one) ? one[0] : one;
  assert.equal(row.symbol, symbol);
  // default.yaml gives BTCUSDT max_leverage 125 and no brackets: the derived 125x / 50x / 20x tiers.
  assert.deepEqual(row.brackets.map((b) => b.initialLeverage), [125, 50, 20]);
  assert.equal(row.brackets[0].bracket, 1);
  assert.equal(Number(row.brackets[0].notionalFloor), 0);
  assert.equal(Number(row.brackets[1].notionalFloor), Number(row.brackets[0].notionalCap));
  const all = await client.getNotionalAndLeverageBrackets();
  assert.ok(Array.isArray(all), 'without a symbol: every symbol');
  const eth = all.find((r) => r.symbol === 'ETHUSDT');
  assert.equal(eth.brackets[0].initialLeverage, 100);
  await assert.rejects(client.setLeverage({ symbol, leverage: 126 }), (e) => e.code === -4028);
});

test('binance leverage, market order, algo stop, user stream, cancel, close', async () => {
  const ws = new WebsocketClient({ ...keys, beautify: false, wsUrl: `wss://127.0.0.1:${port}`,
    restOptions: { baseUrl } });
  ws.on('exception', (e) => console.error('ws exception', e));
  try {
    await ws.subscribeUsdFuturesUserDataStream();

    const lev = await client.setLeverage({ symbol, leverage: 10 });
    assert.equal(lev.leverage, 10);

    const filled = waitFor(ws, 'message', (m) => m.e === 'ORDER_TRADE_UPDATE' && m.o.X === 'FILLED' && m.o.s === symbol);
    const order = await client.submitNewOrder({ symbol, side: 'BUY', type: 'MARKET', quantity: 0.01,
      newClientOrderId: 'x-15PC4ZJy-entry-1' });
    assert.equal(order.clientOrderId, 'x-15PC4ZJy-entry-1');
    const update = await filled;
    assert.equal(update.o.c, 'x-15PC4ZJy-entry-1');
    assert.equal(Number(update.o.z), 0.01);

    const positions = await client.getPositionsV3({ symbol });
    const long = positions.find((p) => p.symbol === symbol);
    assert.ok(long, 'position listed');
    assert.equal(Number(long.positionAmt), 0.01);

    const balances = await client.getBalanceV3();
    const usdt = balances.find((b) => b.asset === 'USDT');
    assert.ok(Number(usdt.balance) < 10000, 'the taker fee was charged');

    const stop = await client.submitNewAlgoOrder({ algoType: 'CONDITIONAL', symbol, side: 'SELL',
      type: 'STOP_MARKET', triggerPrice: '57000', closePosition: 'true', workingType: 'MARK_PRICE',
      clientAlgoId: 'x-15PC4ZJy-sl-1' });
    assert.ok(stop.algoId, 'an algo id');
    const open = await client.getOpenAlgoOrders({ symbol });
    assert.equal(open.length, 1);
    assert.equal(open[0].clientAlgoId, 'x-15PC4ZJy-sl-1');
    await client.cancelAlgoOrder({ algoId: stop.algoId });
    assert.equal((await client.getOpenAlgoOrders({ symbol })).length, 0);

    // A stop that fires: the mark falls through it and the position closes.
    await client.submitNewAlgoOrder({ algoType: 'CONDITIONAL', symbol, side: 'SELL', type: 'STOP_MARKET',
      triggerPrice: '59000', closePosition: 'true', workingType: 'MARK_PRICE', clientAlgoId: 'x-15PC4ZJy-sl-2' });
    const algoUpdate = waitFor(ws, 'message', (m) => m.e === 'ALGO_UPDATE');
    const closed = waitFor(ws, 'message', (m) => m.e === 'ORDER_TRADE_UPDATE' && m.o.X === 'FILLED' && m.o.S === 'SELL');
    await control(port, 'POST', '/sim/price', { symbol, price: '58900' });
    await algoUpdate;
    await closed;
    const after = await client.getPositionsV3({ symbol });
    assert.ok(after.every((p) => Number(p.positionAmt) === 0), 'flat after the stop');

    // A resting limit order, modified (PUT /fapi/v1/order: same id, AMENDMENT on the stream), then cancelled.
    const limit = await client.submitNewOrder({ symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
      quantity: 0.01, price: 50000 });
    assert.equal(limit.status, 'NEW');
    const amended = waitFor(ws, 'message', (m) => m.e === 'ORDER_TRADE_UPDATE' && m.o.x === 'AMENDMENT');
    const modified = await client.modifyOrder({ symbol, orderId: limit.orderId, side: 'BUY', quantity: 0.02,
      price: 50100 });
    assert.equal(modified.orderId, limit.orderId);
    assert.equal(Number(modified.origQty), 0.02);
    assert.equal(Number(modified.price), 50100);
    assert.equal((await amended).o.i, limit.orderId);
    await assert.rejects(client.modifyOrder({ symbol, orderId: limit.orderId, side: 'BUY', quantity: 0.02,
      price: 50100 }), (e) => e.code === -5027);
    const canceled = await client.cancelOrder({ symbol, orderId: limit.orderId });
    assert.equal(canceled.status, 'CANCELED');
    await assert.rejects(client.cancelOrder({ symbol, orderId: limit.orderId }), (e) => e.code === -2011);
  } finally {
    ws.closeAll(false);
  }
});
