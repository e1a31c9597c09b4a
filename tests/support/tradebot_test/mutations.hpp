#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

namespace tradebot::test {

// Calls check(text) for every truncation of `base` and every one-byte deletion, and every
// insertion and replacement of a byte of `alphabet`: the neighbourhood of a well-formed frame,
// for a parser that must fail cleanly or agree with another. Returns how many texts it tried.
template <class Check>
std::size_t for_each_one_byte_mutation(const std::string& base, std::string_view alphabet, Check&& check) {
    std::size_t tried = 0;
    for (std::size_t i = 0; i <= base.size(); ++i) {
        ++tried;
        check(base.substr(0, i));
        if (i < base.size()) {
            ++tried;
            check(base.substr(0, i) + base.substr(i + 1));
        }
        for (const char c : alphabet) {
            ++tried;
            check(base.substr(0, i) + c + base.substr(i));
            if (i < base.size()) {
                std::string replaced = base;
                replaced[i] = c;
                ++tried;
                check(replaced);
            }
        }
    }
    return tried;
}

// for_each_one_byte_mutation over every base with a check that says whether the parser took
// the text: {texts tried, texts taken}.
template <class Bases, class Takes>
std::pair<std::size_t, std::size_t> count_taken_mutations(
    const Bases& bases, std::string_view alphabet, Takes&& takes
) {
    std::size_t tried = 0;
    std::size_t taken = 0;
    for (const auto& base : bases) {
        tried +=
            for_each_one_byte_mutation(base, alphabet, [&](const std::string& text) { taken += takes(text) ? 1 : 0; });
    }
    return {tried, taken};
}

// Whether the mutations of `bases` exercised both outcomes: more than 1/`share` of them taken
// by `takes`, and not all of them.
template <class Bases, class Takes>
::testing::AssertionResult some_but_not_all_taken(
    const Bases& bases, std::string_view alphabet, std::size_t share, Takes&& takes
) {
    const auto [tried, taken] = count_taken_mutations(bases, alphabet, std::forward<Takes>(takes));
    if (taken > tried / share && taken < tried) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << taken << " of " << tried << " mutants taken; wanted more than 1/" << share
                                         << " of them and fewer than all";
}

}  // namespace tradebot::test
