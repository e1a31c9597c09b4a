// The npm `bybit-api` package (tiagosiebler/bybit-api) against tradebot-sim, unchanged apart from
// the base URLs and keys: market data, mark price klines, API key and account info, leverage, market
// order, trading-stop, cancel, positions, wallet, the transaction log and the private stream.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { RestClientV5, WebsocketClient } = require('bybit-api');
const { control, waitFor } = require('./sim_control');

const port = Number(process.env.SIM_BYBIT_PORT);
const baseUrl = `https://127.0.0.1:${port}`;
const keys = { key: 'sim-api-key', secret: 'sim-api-secret' };
const client = new RestClientV5({ ...keys, baseUrl });
const category = 'linear';
const symbol = 'ETHUSDT';

function ok(res) {
  assert.equal(res.retCode, 0, `retCode ${res.retCode} ${res.retMsg}`);
  return res.result;
}

test('bybit market data', async () => {
  const time = ok(await client.getServerTime());
  assert.ok(Math.abs(Number(time.timeSecond) * 1000 - Date.now()) < 5000);
  const info = ok(await client.getInstrumentsInfo({ category, symbol }));
  assert.equal(info.list[0].symbol, symbol);
  assert.equal(info.list[0].priceFilter.tickSize, '0.01');
  assert.equal(info.list[0].lotSizeFilter.qtyStep, '0.001');
  await control(port, 'POST', '/sim/price', { symbol, price: '3000' });
  const tickers = ok(await client.getTickers({ category, symbol }));
  assert.equal(Number(tickers.list[0].markPrice), 3000);
});

test('bybit mark price kline and funding history', async () => {
  await control(port, 'POST', '/sim/price', { symbol, price: '3050' });
  await control(port, 'POST', '/sim/price', { symbol, price: '3000' });
  const mark = ok(await client.getMarkPriceKline({ category, symbol, interval: '1', limit: 3 }));
  assert.equal(mark.symbol, symbol);
  const [start, , , , close, ...rest] = mark.list[0];  // newest first
  assert.equal(rest.length, 0, 'five fields: no volume for a mark price');
  assert.equal(Number(start) % 60000, 0);
  assert.equal(Number(close), 3000);
  assert.ok(Math.max(...mark.list.map((c) => Number(c[2]))) >= 3050, 'the mark went through 3050');
  // No funding time has passed yet in this run: the documented shape with an empty list.
  const funding = ok(await client.getFundingRateHistory({ category, symbol }));
  assert.deepEqual(funding.list, []);
  const onlyStart = await client.getFundingRateHistory({ category, symbol, startTime: Date.now() - 3600000 });
  assert.equal(onlyStart.retCode, 10001);
});

test('bybit errors are HTTP 200 with retCode', async () => {
  const wrong = new RestClientV5({ key: 'sim-api-key', secret: 'wrong', baseUrl });
  const res = await wrong.getWalletBalance({ accountType: 'UNIFIED' });
  assert.equal(res.retCode, 10004);
});

// What ccxt asks before its first private call to learn the account type.
test('bybit api key information and account info', async () => {
  const key = ok(await client.getQueryApiKey());
  assert.equal(key.apiKey, 'sim-api-key');
  assert.equal(key.readOnly, 0);
  assert.equal(key.secret, '');
  assert.equal(key.uta, 1);
  assert.deepEqual(key.permissions.ContractTrade, ['Order', 'Position']);
  const info = ok(await client.getAccountInfo());
  assert.equal(info.marginMode, 'REGULAR_MARGIN');
  assert.equal(info.unifiedMarginStatus, 6);
  assert.ok(Math.abs(Number(info.updatedTime) - Date.now()) < 5000);
});

test('bybit leverage, market order, trading-stop, private stream, cancel', async () => {
  const ws = new WebsocketClient({ ...keys, wsUrl: `wss://127.0.0.1:${port}/v5/private` });
  ws.on('exception', (e) => console.error('ws exception', e));
  try {
    const subscribed = waitFor(ws, 'response', (r) => r.op === 'subscribe' && r.success === true, 8000);
    ws.subscribeV5(['order', 'execution', 'position', 'wallet'], category);
    await subscribed;

    const lev = await client.setLeverage({ category, symbol, buyLeverage: '10', sellLeverage: '10' });
    assert.ok(lev.retCode === 0 || lev.retCode === 110043, `set-leverage ${lev.retCode} ${lev.retMsg}`);

    const filled = waitFor(ws, 'update', (u) => u.topic === 'order' &&
      u.data.some((o) => o.orderLinkId === 'npm-bybit-entry-1' && o.orderStatus === 'Filled'));
    const created = ok(await client.submitOrder({ category, symbol, side: 'Buy', orderType: 'Market', qty: '0.1',
      orderLinkId: 'npm-bybit-entry-1' }));
    assert.ok(created.orderId);
    assert.equal(created.orderLinkId, 'npm-bybit-entry-1');
    await filled;

    const positions = ok(await client.getPositionInfo({ category, symbol }));
    assert.equal(positions.list[0].side, 'Buy');
    assert.equal(Number(positions.list[0].size), 0.1);

    ok(await client.setTradingStop({ category, symbol, tpslMode: 'Full', positionIdx: 0, stopLoss: '2900',
      slTriggerBy: 'MarkPrice' }));
    const withStop = ok(await client.getPositionInfo({ category, symbol }));
    assert.equal(Number(withStop.list[0].stopLoss), 2900);

    const wallet = ok(await client.getWalletBalance({ accountType: 'UNIFIED' }));
    const usdt = wallet.list[0].coin.find((c) => c.coin === 'USDT');
    assert.ok(Number(usdt.walletBalance) < 10000, 'the taker fee was charged');

    // The stop fires when the mark falls through it.
    const closed = waitFor(ws, 'update', (u) => u.topic === 'position' &&
      u.data.some((p) => p.symbol === symbol && Number(p.size) === 0));
    await control(port, 'POST', '/sim/price', { symbol, price: '2890' });
    await closed;

    // The transaction log: the entry's fill and the stop's, each with the wallet after it.
    const log = ok(await client.getTransactionLog({ accountType: 'UNIFIED', category, currency: 'USDT' }));
    const trades = log.list.filter((r) => r.symbol === symbol && r.type === 'TRADE');
    assert.ok(trades.length >= 2, `${trades.length} trade rows`);
    const [exit, entry] = trades;  // newest first
    assert.equal(entry.orderLinkId, 'npm-bybit-entry-1');
    assert.equal(entry.side, 'Buy');
    assert.equal(exit.side, 'Sell');
    assert.equal(Number(exit.size), 0);
    assert.ok(Math.abs(Number(exit.change) - (Number(exit.cashFlow) - Number(exit.fee))) < 1e-9);
    const now = ok(await client.getWalletBalance({ accountType: 'UNIFIED' })).list[0].coin
      .find((c) => c.coin === 'USDT');
    assert.equal(Number(log.list[0].cashBalance), Number(now.walletBalance));

    const limit = ok(await client.submitOrder({ category, symbol, side: 'Buy', orderType: 'Limit', qty: '0.1',
      price: '2500', timeInForce: 'GTC' }));
    const active = ok(await client.getActiveOrders({ category, symbol }));
    assert.ok(active.list.some((o) => o.orderId === limit.orderId));
    ok(await client.cancelOrder({ category, symbol, orderId: limit.orderId }));
    const again = await client.cancelOrder({ category, symbol, orderId: limit.orderId });
    assert.equal(again.retCode, 110001);
  } finally {
    ws.closeAll(true);
  }
});
