#include "tradebot/events/router.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <prometheus/registry.h>

#include "tradebot/events/types.hpp"

namespace asio = boost::asio;
namespace events = tradebot::events;
namespace core = tradebot::core;

namespace {

std::optional<double> metric(prometheus::Registry& registry, const std::string& name, const std::string& topic) {
    for (const auto& family : registry.Collect()) {
        if (family.name != name) {
            continue;
        }
        for (const auto& m : family.metric) {
            for (const auto& label : m.label) {
                if (label.name == "topic" && label.value == topic) {
                    return family.type == prometheus::MetricType::Gauge ? m.gauge.value : m.counter.value;
                }
            }
        }
    }
    return std::nullopt;
}

events::mark_price price_of(std::string_view sym, int cents) {
    events::mark_price p;
    p.exchange = core::exchange_id::binance;
    p.symbol = core::symbol::from_string(sym);
    p.price = core::decimal::from_raw(cents, 2);
    return p;
}

struct router_test : ::testing::Test {
    prometheus::Registry registry;
    events::router router{registry};
    asio::io_context ioc;

    double value(const std::string& name, const std::string& topic) {
        const auto v = metric(registry, name, topic);
        EXPECT_TRUE(v.has_value()) << name << "{topic=" << topic << "}";
        return v.value_or(-1);
    }
};

}  // namespace

TEST_F(router_test, fifo_delivers_every_value_in_publish_order_per_subscriber) {
    auto& t = router.topic<int>("numbers");
    auto s1 = asio::make_strand(ioc);
    auto s2 = asio::make_strand(ioc);
    std::vector<int> got1;
    std::vector<int> got2;
    auto sub1 = t.subscribe(s1, [&](const int& v) { got1.push_back(v); });
    auto sub2 = t.subscribe(s2, [&](const int& v) { got2.push_back(v); });
    std::vector<int> expected;
    for (int i = 0; i < 5000; ++i) {
        t.publish(i);
        expected.push_back(i);
        if (i % 1000 == 0) {
            ioc.poll();  // interleave delivery with publishing
            ioc.restart();
        }
    }
    ioc.run();
    EXPECT_EQ(got1, expected);
    EXPECT_EQ(got2, expected);
    EXPECT_EQ(value("tradebot_events_published_total", "numbers"), 5000);
    EXPECT_EQ(value("tradebot_events_dispatched_total", "numbers"), 10000);
    EXPECT_EQ(value("tradebot_events_queue_depth", "numbers"), 0);
    EXPECT_EQ(value("tradebot_events_coalesced_total", "numbers"), 0);
}

TEST_F(router_test, handlers_run_on_the_subscribers_strand_and_never_inside_publish) {
    auto& t = router.topic<int>("on_strand");
    auto strand = asio::make_strand(ioc);
    int calls = 0;
    bool in_publish = false;
    auto sub = t.subscribe(strand, [&](const int&) {
        EXPECT_TRUE(strand.running_in_this_thread());
        EXPECT_FALSE(in_publish);
        ++calls;
    });
    // Publishing from the subscriber's own strand must not call the handler re-entrantly.
    asio::post(strand, [&] {
        in_publish = true;
        t.publish(1);
        t.publish(2);
        in_publish = false;
    });
    ioc.run();
    EXPECT_EQ(calls, 2);
}

TEST_F(router_test, coalescing_keeps_only_the_latest_value_per_key) {
    auto& t = router.topic<events::mark_price>("mark_price", events::policy::coalesce_by_key{events::by_venue_symbol{}});
    auto strand = asio::make_strand(ioc);
    std::vector<events::mark_price> got;
    auto sub = t.subscribe(strand, [&](const events::mark_price& p) {
        EXPECT_TRUE(strand.running_in_this_thread());
        got.push_back(p);
    });
    const char* symbols[] = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
    for (int i = 0; i < 1000; ++i) {
        t.publish(price_of(symbols[i % 3], i));
    }
    EXPECT_EQ(value("tradebot_events_queue_depth", "mark_price"), 3);
    ioc.run();
    ASSERT_EQ(got.size(), 3U);
    // Slots keep the order in which each key first became pending.
    EXPECT_EQ(got[0].symbol.view(), "BTCUSDT");
    EXPECT_EQ(got[0].price, core::decimal::from_raw(999, 2));
    EXPECT_EQ(got[1].symbol.view(), "ETHUSDT");
    EXPECT_EQ(got[1].price, core::decimal::from_raw(997, 2));
    EXPECT_EQ(got[2].symbol.view(), "SOLUSDT");
    EXPECT_EQ(got[2].price, core::decimal::from_raw(998, 2));
    EXPECT_EQ(value("tradebot_events_coalesced_total", "mark_price"), 997);
    EXPECT_EQ(value("tradebot_events_published_total", "mark_price"), 1000);
    EXPECT_EQ(value("tradebot_events_dispatched_total", "mark_price"), 3);
    EXPECT_EQ(value("tradebot_events_queue_depth", "mark_price"), 0);
}

TEST_F(router_test, a_filtered_subscriber_is_posted_only_the_values_it_wants) {
    auto& t = router.topic<events::mark_price>("mark_price", events::policy::coalesce_by_key{events::by_venue_symbol{}});
    std::vector<events::mark_price> bybit_only;
    std::vector<events::mark_price> all;
    auto filtered = t.subscribe(
        asio::make_strand(ioc), [&](const events::mark_price& p) { bybit_only.push_back(p); },
        [](const events::mark_price& p) { return p.exchange == core::exchange_id::bybit; });
    auto plain = t.subscribe(asio::make_strand(ioc), [&](const events::mark_price& p) { all.push_back(p); });
    auto on_bybit = price_of("ETHUSDT", 2);
    on_bybit.exchange = core::exchange_id::bybit;
    t.publish(price_of("BTCUSDT", 1));
    t.publish(on_bybit);
    // Only the plain subscriber queued the Binance mark: 2 + 1, not 2 + 2.
    EXPECT_EQ(value("tradebot_events_queue_depth", "mark_price"), 3);
    ioc.run();
    ASSERT_EQ(bybit_only.size(), 1U);
    EXPECT_EQ(bybit_only[0].symbol.view(), "ETHUSDT");
    EXPECT_EQ(all.size(), 2U);
    EXPECT_EQ(t.subscriber_count(), 2U);  // a value filtered out does not drop its subscriber
}

TEST_F(router_test, coalescing_delivers_again_after_each_drain) {
    auto& t = router.topic<events::mark_price>("mark_price", events::policy::coalesce_by_key{events::by_venue_symbol{}});
    std::vector<int> got;
    auto sub = t.subscribe(asio::make_strand(ioc), [&](const events::mark_price& p) {
        got.push_back(static_cast<int>(p.price.mantissa()));
    });
    t.publish(price_of("BTCUSDT", 1));
    ioc.poll();
    t.publish(price_of("BTCUSDT", 2));
    t.publish(price_of("BTCUSDT", 3));
    ioc.restart();
    ioc.poll();
    EXPECT_EQ(got, (std::vector<int>{1, 3}));
    // Same symbol on another venue is another key.
    auto bybit = price_of("BTCUSDT", 4);
    bybit.exchange = core::exchange_id::bybit;
    t.publish(price_of("BTCUSDT", 5));
    t.publish(bybit);
    ioc.restart();
    ioc.poll();
    EXPECT_EQ(got, (std::vector<int>{1, 3, 5, 4}));
}

TEST_F(router_test, each_subscriber_coalesces_independently) {
    auto& t = router.topic<events::mark_price>("mark_price", events::policy::coalesce_by_key{events::by_venue_symbol{}});
    asio::io_context slow;
    std::vector<int> fast_got;
    std::vector<int> slow_got;
    auto fast = t.subscribe(asio::make_strand(ioc), [&](const events::mark_price& p) {
        fast_got.push_back(static_cast<int>(p.price.mantissa()));
    });
    auto lagging = t.subscribe(asio::make_strand(slow), [&](const events::mark_price& p) {
        slow_got.push_back(static_cast<int>(p.price.mantissa()));
    });
    for (int i = 1; i <= 3; ++i) {
        t.publish(price_of("BTCUSDT", i));
        ioc.restart();
        ioc.poll();
    }
    slow.run();
    EXPECT_EQ(fast_got, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(slow_got, (std::vector<int>{3}));
    EXPECT_EQ(value("tradebot_events_coalesced_total", "mark_price"), 2);
}

TEST_F(router_test, unsubscribe_drops_queued_values_and_stops_delivery) {
    auto& t = router.topic<int>("orders");
    int calls = 0;
    auto sub = t.subscribe(asio::make_strand(ioc), [&](const int&) { ++calls; });
    EXPECT_TRUE(sub.active());
    EXPECT_EQ(t.subscriber_count(), 1U);
    for (int i = 0; i < 10; ++i) {
        t.publish(i);
    }
    EXPECT_EQ(value("tradebot_events_queue_depth", "orders"), 10);
    sub.reset();
    EXPECT_FALSE(sub.active());
    EXPECT_EQ(value("tradebot_events_queue_depth", "orders"), 0);
    t.publish(10);
    ioc.run();
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(t.subscriber_count(), 0U);
    EXPECT_EQ(value("tradebot_events_dispatched_total", "orders"), 0);
}

TEST_F(router_test, unsubscribe_from_inside_a_handler_drops_the_rest_of_the_batch) {
    auto& t = router.topic<int>("orders");
    std::vector<int> got;
    events::subscription sub;
    sub = t.subscribe(asio::make_strand(ioc), [&](const int& v) {
        got.push_back(v);
        if (v == 2) {
            sub.reset();
        }
    });
    for (int i = 0; i < 10; ++i) {
        t.publish(i);
    }
    ioc.run();
    EXPECT_EQ(got, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(value("tradebot_events_queue_depth", "orders"), 0);
}

TEST_F(router_test, subscription_may_outlive_the_router) {
    events::subscription sub;
    int calls = 0;
    {
        events::router r{registry};
        sub = r.topic<int>("x").subscribe(asio::make_strand(ioc), [&](const int&) { ++calls; });
        r.topic<int>("x").publish(1);
    }
    EXPECT_TRUE(sub.active());
    ioc.run();  // the value published before the router went away is still delivered
    EXPECT_EQ(calls, 1);
    sub.reset();
    EXPECT_FALSE(sub.active());
    EXPECT_EQ(value("tradebot_events_queue_depth", "x"), 0);
}

TEST_F(router_test, destroyed_subscription_is_forgotten_by_the_topic) {
    auto& t = router.topic<int>("gone");
    {
        auto sub = t.subscribe(asio::make_strand(ioc), [](const int&) {});
        EXPECT_EQ(t.subscriber_count(), 1U);
    }
    EXPECT_EQ(t.subscriber_count(), 0U);
    t.publish(1);
    EXPECT_EQ(value("tradebot_events_queue_depth", "gone"), 0);
    EXPECT_EQ(ioc.poll(), 0U);
}

// Subscribers share the topic's lock and are deleted after waiting for it. A handler whose
// captures end another subscription of the same topic (which takes that lock) must not be
// destroyed under it: this would deadlock if the deleter held the lock while deleting.
TEST_F(router_test, a_handler_owning_another_subscription_of_the_topic_can_be_destroyed) {
    auto& t = router.topic<int>("nested", events::policy::coalesce_by_key{[](const int& v) { return v; }});
    int inner_calls = 0;
    auto inner = std::make_shared<events::subscription>(
        t.subscribe(asio::make_strand(ioc), [&](const int&) { ++inner_calls; }));
    auto outer = t.subscribe(asio::make_strand(ioc), [owned = std::move(inner)](const int&) {});
    t.publish(1);
    ioc.run();
    EXPECT_EQ(inner_calls, 1);
    EXPECT_EQ(t.subscriber_count(), 2U);
    outer.reset();  // destroys the handler, and with it the inner subscription
    EXPECT_EQ(t.subscriber_count(), 0U);
    t.publish(2);
    ioc.restart();
    EXPECT_EQ(ioc.poll(), 0U);
    EXPECT_EQ(inner_calls, 1);
    EXPECT_EQ(value("tradebot_events_queue_depth", "nested"), 0);
    EXPECT_EQ(value("tradebot_events_dispatched_total", "nested"), 2);
}

TEST_F(router_test, moved_subscription_keeps_delivering) {
    auto& t = router.topic<int>("moved");
    int calls = 0;
    auto first = t.subscribe(asio::make_strand(ioc), [&](const int&) { ++calls; });
    events::subscription second = std::move(first);
    EXPECT_TRUE(second.active());
    t.publish(1);
    ioc.run();
    EXPECT_EQ(calls, 1);
}

TEST_F(router_test, a_throwing_handler_is_counted_and_delivery_continues) {
    auto& t = router.topic<int>("fragile");
    std::vector<int> got;
    auto sub = t.subscribe(asio::make_strand(ioc), [&](const int& v) {
        if (v == 1) {
            throw std::runtime_error{"boom"};
        }
        got.push_back(v);
    });
    t.publish(0);
    t.publish(1);
    t.publish(2);
    EXPECT_NO_THROW(ioc.run());
    EXPECT_EQ(got, (std::vector<int>{0, 2}));
    EXPECT_EQ(value("tradebot_events_handler_errors_total", "fragile"), 1);
    EXPECT_EQ(value("tradebot_events_dispatched_total", "fragile"), 3);
}

TEST_F(router_test, handlers_may_publish_to_other_topics) {
    auto& in = router.topic<int>("in");
    auto& out = router.topic<std::string>("out");
    auto strand = asio::make_strand(ioc);
    std::vector<std::string> got;
    auto relay = in.subscribe(strand, [&](const int& v) { out.publish(std::to_string(v)); });
    auto sink = out.subscribe(strand, [&](const std::string& s) { got.push_back(s); });
    in.publish(1);
    in.publish(2);
    ioc.run();
    EXPECT_EQ(got, (std::vector<std::string>{"1", "2"}));
}

TEST_F(router_test, same_name_returns_the_same_topic_and_mismatches_throw) {
    auto& a = router.topic<int>("shared");
    auto& b = router.topic<int>("shared");
    EXPECT_EQ(&a, &b);
    EXPECT_EQ(a.name(), "shared");
    EXPECT_THROW(router.topic<double>("shared"), std::logic_error);
    EXPECT_THROW(router.topic<int>("shared", events::policy::coalesce_by_key{[](const int& v) { return v; }}),
                 std::logic_error);
    auto& c = router.topic<events::mark_price>("prices", events::policy::coalesce_by_key{events::by_venue_symbol{}});
    EXPECT_TRUE(c.coalescing());
    EXPECT_THROW(router.topic<events::mark_price>("prices"), std::logic_error);
}

TEST_F(router_test, two_routers_may_share_a_registry) {
    events::router other{registry};
    other.topic<int>("numbers").publish(1);
    router.topic<int>("numbers").publish(2);
    EXPECT_EQ(value("tradebot_events_published_total", "numbers"), 2);
}

TEST_F(router_test, multi_threaded_publish_loses_no_fifo_value) {
    constexpr int producers = 4;
    constexpr int per_producer = 5000;
    struct tagged {
        int producer;
        int seq;
    };
    auto& t = router.topic<tagged>("mt");
    struct consumer {
        std::vector<int> next_seq = std::vector<int>(producers, 0);
        int received = 0;
        bool in_order = true;
    };
    consumer c1;
    consumer c2;
    std::atomic<int> finished{0};
    std::promise<void> all_done;
    auto handler_for = [&](consumer& c, const asio::strand<asio::io_context::executor_type>& strand) {
        return [&c, &finished, &all_done, strand](const tagged& v) {
            EXPECT_TRUE(strand.running_in_this_thread());
            c.in_order = c.in_order && v.seq == c.next_seq[static_cast<std::size_t>(v.producer)];
            c.next_seq[static_cast<std::size_t>(v.producer)] = v.seq + 1;
            if (++c.received == producers * per_producer && ++finished == 2) {
                all_done.set_value();
            }
        };
    };
    auto st1 = asio::make_strand(ioc);
    auto st2 = asio::make_strand(ioc);
    auto sub1 = t.subscribe(st1, handler_for(c1, st1));
    auto sub2 = t.subscribe(st2, handler_for(c2, st2));

    auto work = asio::make_work_guard(ioc);
    std::vector<std::thread> runners;
    for (int i = 0; i < 2; ++i) {
        runners.emplace_back([this] { ioc.run(); });
    }
    std::vector<std::thread> publishers;
    for (int p = 0; p < producers; ++p) {
        publishers.emplace_back([&t, p] {
            for (int s = 0; s < per_producer; ++s) {
                t.publish(tagged{p, s});
            }
        });
    }
    for (auto& th : publishers) {
        th.join();
    }
    // A lost value would leave the consumers waiting forever; bound the wait instead.
    const bool done = all_done.get_future().wait_for(std::chrono::seconds{30}) == std::future_status::ready;
    work.reset();
    if (!done) {
        ioc.stop();
    }
    for (auto& th : runners) {
        th.join();
    }
    ASSERT_TRUE(done);
    EXPECT_EQ(c1.received, producers * per_producer);
    EXPECT_EQ(c2.received, producers * per_producer);
    EXPECT_TRUE(c1.in_order);
    EXPECT_TRUE(c2.in_order);
    EXPECT_EQ(value("tradebot_events_published_total", "mt"), producers * per_producer);
    EXPECT_EQ(value("tradebot_events_dispatched_total", "mt"), 2 * producers * per_producer);
    EXPECT_EQ(value("tradebot_events_queue_depth", "mt"), 0);
}
