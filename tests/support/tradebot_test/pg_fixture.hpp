#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "tradebot/core/ids.hpp"
#include "tradebot/db/connection_url.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::db::test {

// Each test gets its own schema (so tests run in parallel against one server) and drops it.
class pg_test : public ::testing::Test {
protected:
    void SetUp() override {
        TRADEBOT_REQUIRE_PG(url);
        url_ = url;
        schema_ = "tbt_" + core::random_hex_id().substr(0, 16);
    }

    void TearDown() override {
        if (url_.empty()) {
            return;
        }
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec("DROP SCHEMA IF EXISTS \"" + schema_ + "\" CASCADE");
        tx.commit();
    }

    // A URL whose sessions carry a unique application_name, so a test can kill exactly them.
    [[nodiscard]] std::string tagged_url(const std::string& tag) const {
        return with_default_param(url_, "application_name", schema_ + "_" + tag);
    }

    // Terminates every backend opened through tagged_url(tag); returns how many.
    int terminate(const std::string& tag) const {
        pqxx::connection conn{url_};
        pqxx::nontransaction tx{conn};
        const auto r = tx.exec_params(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            schema_ + "_" + tag);
        return r[0][0].as<int>();
    }

    // Runs a coroutine on io_ until it finishes (or fails the test after `limit`).
    template <class T>
    T await(boost::asio::awaitable<T> aw, std::chrono::seconds limit = std::chrono::seconds{30}) {
        auto fut = boost::asio::co_spawn(io_, std::move(aw), boost::asio::use_future);
        io_.restart();
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (fut.wait_for(std::chrono::seconds{0}) != std::future_status::ready &&
               std::chrono::steady_clock::now() < deadline) {
            io_.run_for(std::chrono::milliseconds{20});
            io_.restart();
        }
        if (fut.wait_for(std::chrono::seconds{0}) != std::future_status::ready) {
            ADD_FAILURE() << "coroutine did not finish in time";
            throw std::runtime_error("timeout");
        }
        return fut.get();
    }

    boost::asio::io_context io_;
    std::string url_;
    std::string schema_;
};

// pg_test with a database whose private schema is already migrated.
class migrated_pg_test : public pg_test {
protected:
    void SetUp() override {
        pg_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        db_ = std::make_unique<database>(database_options{.url = url_, .schema = schema_});
        const auto r = await(db_->migrate());
        ASSERT_TRUE(r) << r.error();
    }
    void TearDown() override {
        db_.reset();
        pg_test::TearDown();
    }

    std::unique_ptr<database> db_;
};

}  // namespace tradebot::db::test
