#include <boost/asio/steady_timer.hpp>

#include "tradebot_test/pg_fixture.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/listener.hpp"
#include "tradebot/db/signal_repository.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db::test {
namespace {

namespace asio = boost::asio;

class ListenerTest : public migrated_pg_test {
protected:

    // The id a NOTIFY names: its row's (migration 0002), or the bare id.
    static std::string id_in(const std::string& payload) {
        const auto row = signal_row_from_notification(payload);
        return row ? std::to_string(row->id) : payload;
    }

    std::string insert_signal() {
        const auto id = await(transact(*db_, [](pqxx::work& tx) {
            return tx.exec("INSERT INTO signals (exchange, symbol, side) VALUES ('binance', 'BTCUSDT', 'long') "
                           "RETURNING id")[0][0].as<std::string>();
        }));
        EXPECT_TRUE(id) << id.error();
        return id ? *id : std::string{};
    }

    // Runs the io_context until `done` or the limit; false on timeout.
    bool run_until(const std::function<bool()>& done, std::chrono::seconds limit = std::chrono::seconds{20}) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_for(std::chrono::milliseconds{10});
        }
        return done();
    }
};

TEST_F(ListenerTest, AnInsertedSignalWakesTheListenerWithItsId) {
    std::vector<notification> received;
    int listening = 0;
    listener l{io_.get_executor(),
               {.url = url_, .channels = {signals_channel(schema_)}},
               [&](const notification& n) { received.push_back(n); },
               [&](listener_state s, std::string_view) { listening += s == listener_state::listening ? 1 : 0; }};
    l.start();
    ASSERT_TRUE(run_until([&] { return listening == 1; }));
    EXPECT_EQ(l.state(), listener_state::listening);

    const std::string id = insert_signal();
    ASSERT_TRUE(run_until([&] { return !received.empty(); }));
    EXPECT_EQ(received.front().channel, signals_channel(schema_));
    EXPECT_EQ(id_in(received.front().payload), id);

    l.stop();
    ASSERT_TRUE(run_until([&] { return l.state() == listener_state::stopped; }));
}

TEST_F(ListenerTest, SurvivesATerminatedBackendAndListensAgain) {
    std::vector<std::string> payloads;
    std::vector<listener_state> states;
    listener l{io_.get_executor(),
               {.url = tagged_url("listener"), .channels = {signals_channel(schema_)},
                .reconnect_min = std::chrono::milliseconds{20}, .reconnect_max = std::chrono::milliseconds{200}},
               [&](const notification& n) { payloads.push_back(id_in(n.payload)); },
               [&](listener_state s, std::string_view) { states.push_back(s); }};
    auto count = [&](listener_state s) { return std::count(states.begin(), states.end(), s); };
    l.start();
    ASSERT_TRUE(run_until([&] { return count(listener_state::listening) == 1; }));

    ASSERT_EQ(terminate("listener"), 1);
    ASSERT_TRUE(run_until([&] { return count(listener_state::listening) == 2; }));
    EXPECT_GE(count(listener_state::disconnected), 1);

    const std::string id = insert_signal();
    ASSERT_TRUE(run_until([&] { return !payloads.empty(); }));
    EXPECT_EQ(payloads, std::vector<std::string>{id});
}

// The NOTIFY carries the row as the table has it, exactly; a row that is not new and unclaimed,
// or too big for a NOTIFY, sends its id, and the bot reads the table instead.
TEST_F(ListenerTest, ANewSignalsNotifyCarriesItsRow) {
    std::vector<std::string> payloads;
    int listening = 0;
    listener l{io_.get_executor(),
               {.url = url_, .channels = {signals_channel(schema_)}},
               [&](const notification& n) { payloads.push_back(n.payload); },
               [&](listener_state s, std::string_view) { listening += s == listener_state::listening ? 1 : 0; }};
    l.start();
    ASSERT_TRUE(run_until([&] { return listening == 1; }));
    ASSERT_TRUE(await(transact(*db_, [](pqxx::work& tx) {
        tx.exec("INSERT INTO signals (source, external_id, exchange, symbol, side, score_week, score_month, "
                "candle_time, wave_time, received_at) VALUES ('fas', 'x\"1\\', 'bybit', 'eth/usdt', 'short', "
                "87.1234567890123456789, NULL, '2026-01-01 00:15:00.000001+00', NULL, "
                "'2026-01-01 00:16:30.5+00')");
        tx.exec("INSERT INTO signals (exchange, symbol, side, claimed_by) VALUES ('binance', 'BTCUSDT', 'long', 'x')");
        tx.exec("INSERT INTO signals (exchange, symbol, side, external_id) VALUES ('binance', 'BTCUSDT', 'long', "
                "repeat('z', 8000))");
    })));
    ASSERT_TRUE(run_until([&] { return payloads.size() == 3; }));

    const auto row = signal_row_from_notification(payloads[0]);
    ASSERT_TRUE(row) << payloads[0];
    EXPECT_EQ(row->id, 1);
    EXPECT_EQ(row->source, "fas");
    EXPECT_EQ(row->external_id, std::optional<std::string>{"x\"1\\"});
    EXPECT_EQ(row->exchange, "bybit");
    EXPECT_EQ(row->symbol, "eth/usdt");  // as written: the validator judges it
    EXPECT_EQ(row->side, "short");
    EXPECT_EQ(row->score_week, std::optional<std::string>{"87.1234567890123456789"});
    EXPECT_FALSE(row->score_month);
    EXPECT_EQ(row->candle_time, std::optional<time_point>{time_point{std::chrono::microseconds{1'767'226'500'000'001}}});
    EXPECT_FALSE(row->wave_time);
    EXPECT_EQ(row->received_at, time_point{std::chrono::microseconds{1'767'226'590'500'000}});
    EXPECT_EQ(payloads[1], "2");
    EXPECT_EQ(payloads[2], "3");
    EXPECT_FALSE(signal_row_from_notification("2"));
    EXPECT_FALSE(signal_row_from_notification("{\"id\": 4}"));  // NOT NULL columns missing
    EXPECT_FALSE(signal_row_from_notification("{\"id\": 4, \"source\": 5"));
}

TEST_F(ListenerTest, KeepsRetryingAnUnreachableServer) {
    std::vector<std::string> details;
    listener l{io_.get_executor(),
               {.url = "postgresql://bot:hunter2@127.0.0.1:1/fox_crypto", .channels = {"x"},
                .reconnect_min = std::chrono::milliseconds{10}, .reconnect_max = std::chrono::milliseconds{20}},
               [](const notification&) {},
               [&](listener_state s, std::string_view d) {
                   if (s == listener_state::disconnected) {
                       details.emplace_back(d);
                   }
               }};
    l.start();
    ASSERT_TRUE(run_until([&] { return details.size() >= 3; }));
    for (const auto& d : details) {
        EXPECT_EQ(d.find("hunter2"), std::string::npos) << d;
        EXPECT_NE(d.find("bot:***@127.0.0.1:1"), std::string::npos) << d;
    }
    l.stop();
    ASSERT_TRUE(run_until([&] { return l.state() == listener_state::stopped; }));
}

}  // namespace
}  // namespace tradebot::db::test
