#include "tradebot/core/decimal.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <unordered_set>

using tradebot::core::decimal;
using tradebot::core::rounding;
using namespace tradebot::core::literals;

TEST(decimal, parses_and_prints_without_float_error) {
    EXPECT_EQ("0.1"_d.to_string(), "0.1");
    EXPECT_EQ(("0.1"_d + "0.2"_d).to_string(), "0.3");
    EXPECT_EQ("-12.3400"_d.to_string(), "-12.3400");
    EXPECT_EQ(".5"_d.to_string(), "0.5");
    EXPECT_EQ("5."_d.to_string(), "5");
    EXPECT_EQ("+7"_d.to_string(), "7");
    EXPECT_EQ("0.00000001"_d.to_string(), "0.00000001");
    EXPECT_EQ("1e-8"_d.to_string(), "0.00000001");
    EXPECT_EQ("1.5E3"_d.to_string(), "1500");
    EXPECT_EQ("-0.000"_d.to_string(), "0.000");
    EXPECT_EQ("9223372036854775807"_d.to_string(), "9223372036854775807");
    EXPECT_EQ("-9.223372036854775808"_d.to_string(), "-9.223372036854775808");
    // Trailing zeros beyond 18 digits carry no value and are dropped.
    EXPECT_EQ("0.10000000000000000000000"_d.to_string(), "0.100000000000000000");
}

TEST(decimal, rejects_junk) {
    for (const char* bad : {"", "-", ".", "1.2.3", "abc", "1e", "1e+", " 1", "1 ", "1,5", "0x10", "nan", "inf",
                            "99999999999999999999", "0.0000000000000000001", "1e400"}) {
        EXPECT_FALSE(decimal::parse(bad).has_value()) << bad;
    }
    EXPECT_THROW((void)decimal::from_string("x"), std::invalid_argument);
}

TEST(decimal, compares_by_value_and_hashes_by_value) {
    EXPECT_EQ("1.50"_d, "1.5"_d);
    EXPECT_LT("1.49999"_d, "1.5"_d);
    EXPECT_GT("-1"_d, "-1.0001"_d);
    EXPECT_EQ("1.50"_d.hash(), "1.5"_d.hash());
    std::unordered_set<decimal> set{"2"_d, "2.000"_d, "3"_d};
    EXPECT_EQ(set.size(), 2U);
}

TEST(decimal, arithmetic_is_exact) {
    EXPECT_EQ(("1.005"_d - "0.0051"_d).to_string(), "0.9999");
    EXPECT_EQ(("0.001"_d * "0.002"_d).to_string(), "0.000002");
    EXPECT_EQ(("67321.5"_d * "0.013"_d).to_string(), "875.1795");
    // price (scale 8) x quantity (scale 8): the exact product needs 16 digits, it still fits.
    EXPECT_EQ(("0.00001234"_d * "1234567.89"_d).to_string(), "15.2345677626");
    EXPECT_EQ("100"_d.divide("3"_d, 4, rounding::down).to_string(), "33.3333");
    EXPECT_EQ("2"_d.divide("3"_d, 2, rounding::half_even).to_string(), "0.67");
    EXPECT_EQ("-2"_d.divide("3"_d, 2, rounding::floor).to_string(), "-0.67");
    EXPECT_EQ("1"_d.divide("-8"_d, 3, rounding::down).to_string(), "-0.125");
    EXPECT_THROW((void)"1"_d.divide("0"_d, 2, rounding::down), std::domain_error);
    EXPECT_THROW((void)("9223372036854775807"_d + "1"_d), std::overflow_error);
}

TEST(decimal, large_products_round_to_what_fits) {
    // 1e13 * 1e11 at scale 16 does not fit 64 bits; the value keeps 18+ significant digits.
    const decimal notional = "98765.43210987"_d * "1234.56789012"_d;
    // Exact: 121932631.1366723059274844; rounded half-even to the 19 digits an int64 holds.
    EXPECT_EQ(notional.to_string(), "121932631.1366723059");
    EXPECT_EQ("98765.43210987"_d.multiply("1234.56789012"_d, 2, rounding::half_up).to_string(), "121932631.14");
}

TEST(decimal, rounds_to_step_in_every_direction) {
    const auto step = "0.001"_d;
    EXPECT_EQ("1.23456"_d.floor_to_step(step).to_string(), "1.234");
    EXPECT_EQ("1.23456"_d.ceil_to_step(step).to_string(), "1.235");
    EXPECT_EQ("1.2345"_d.nearest_step(step).to_string(), "1.235");
    EXPECT_EQ("-1.23456"_d.floor_to_step(step).to_string(), "-1.235");
    EXPECT_EQ("-1.23456"_d.round_to_step(step, rounding::down).to_string(), "-1.234");
    EXPECT_EQ("7"_d.floor_to_step("5"_d).to_string(), "5");
    EXPECT_EQ("0.0049"_d.floor_to_step("0.005"_d).to_string(), "0.000");
    // Non power-of-ten steps (tick 0.05, step 0.25).
    EXPECT_EQ("10.07"_d.floor_to_step("0.05"_d).to_string(), "10.05");
    EXPECT_EQ("10.07"_d.ceil_to_step("0.05"_d).to_string(), "10.10");
    EXPECT_EQ("3.3"_d.floor_to_step("0.25"_d).to_string(), "3.25");
    EXPECT_TRUE("10.10"_d.is_multiple_of("0.05"_d));
    EXPECT_FALSE("10.11"_d.is_multiple_of("0.05"_d));
    EXPECT_THROW((void)"1"_d.floor_to_step("0"_d), std::domain_error);
}

TEST(decimal, half_even_and_half_up_differ_only_on_ties) {
    EXPECT_EQ("2.5"_d.rescale(0, rounding::half_even).to_string(), "2");
    EXPECT_EQ("3.5"_d.rescale(0, rounding::half_even).to_string(), "4");
    EXPECT_EQ("2.5"_d.rescale(0, rounding::half_up).to_string(), "3");
    EXPECT_EQ("-2.5"_d.rescale(0, rounding::half_up).to_string(), "-3");
    EXPECT_EQ("2.51"_d.rescale(0, rounding::half_even).to_string(), "3");
    EXPECT_EQ("1.2"_d.rescale(4, rounding::down).to_string(), "1.2000");
}

// Property: any mantissa/scale pair prints and parses back to the identical value and scale.
TEST(decimal, property_round_trip) {
    std::mt19937_64 rng{20261126};
    for (int i = 0; i < 100'000; ++i) {
        const auto m = static_cast<std::int64_t>(rng());
        const int s = static_cast<int>(rng() % 19);
        const decimal d = decimal::from_raw(m, s);
        const auto back = decimal::parse(d.to_string());
        ASSERT_TRUE(back.has_value()) << d.to_string();
        ASSERT_EQ(back->mantissa(), m);
        ASSERT_EQ(back->scale(), s);
    }
}

// Property: floor/ceil to a random step give the nearest multiples that bracket the value.
TEST(decimal, property_step_rounding_brackets_value) {
    std::mt19937_64 rng{42};
    for (int i = 0; i < 100'000; ++i) {
        const decimal value = decimal::from_raw(static_cast<std::int64_t>(rng() % 2'000'000'000) - 1'000'000'000, 6);
        const decimal step = decimal::from_raw(static_cast<std::int64_t>(rng() % 5000) + 1, static_cast<int>(rng() % 5));
        const decimal lo = value.floor_to_step(step);
        const decimal hi = value.ceil_to_step(step);
        ASSERT_LE(lo, value);
        ASSERT_GE(hi, value);
        ASSERT_TRUE(lo.is_multiple_of(step));
        ASSERT_TRUE(hi.is_multiple_of(step));
        ASSERT_LE(hi - lo, step);
        ASSERT_EQ(lo == hi, value.is_multiple_of(step));
        const decimal near = value.nearest_step(step);
        ASSERT_TRUE(near == lo || near == hi);
        ASSERT_LE((near - value).abs(), (value - (near == lo ? hi : lo)).abs());
    }
}

// Property: the short plain-form path agrees with the general one. "e0" changes no value but
// sends the same text through the general loop, so both must give the same mantissa and scale
// (or both refuse).
TEST(decimal, short_plain_path_matches_general_path) {
    std::mt19937_64 rng{20261127};
    const std::string_view alphabet = "0123456789012345678901234567890123456789.-+ x";  // no exponent: "e0" is added
    std::size_t accepted = 0;
    for (int i = 0; i < 300'000; ++i) {
        std::string text;
        const auto len = rng() % 21;
        for (std::size_t k = 0; k < len; ++k) {
            text.push_back(alphabet[rng() % alphabet.size()]);
        }
        const auto fast = decimal::parse(text);
        const auto general = decimal::parse(text + "e0");
        ASSERT_EQ(fast.has_value(), general.has_value()) << text;
        if (fast) {
            ++accepted;
            ASSERT_EQ(fast->mantissa(), general->mantissa()) << text;
            ASSERT_EQ(fast->scale(), general->scale()) << text;
        }
    }
    EXPECT_GT(accepted, 1000U);  // the property saw real numbers, not only junk
    for (const char* edge : {"999999999999999999", "-999999999999999999", "0.00000000000000001", "-0", "-0.00",
                             "000000000000000001", ".5", "5.", "+7", "-.5"}) {
        const auto fast = decimal::parse(edge);
        const auto general = decimal::parse(std::string{edge} + "e0");
        ASSERT_TRUE(fast && general) << edge;
        EXPECT_EQ(fast->mantissa(), general->mantissa()) << edge;
        EXPECT_EQ(fast->scale(), general->scale()) << edge;
    }
}
