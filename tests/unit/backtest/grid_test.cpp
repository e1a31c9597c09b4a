#include <gtest/gtest.h>

#include "tradebot/backtest/grid.hpp"

namespace tradebot::backtest {
namespace {

TEST(backtest_grid, axes_parse_and_cells_are_every_combination_last_axis_fastest) {
    const auto a = parse_grid_axis("protection.stop_loss.percent=1,2,3");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->key, "protection.stop_loss.percent");
    EXPECT_EQ(a->values, (std::vector<std::string>{"1", "2", "3"}));
    for (const char* bad : {"", "x", "=1", "x=", "x=1,", "x=1,,2"}) {
        EXPECT_FALSE(parse_grid_axis(bad)) << bad;
    }
    const auto cells = grid_cells({*a, *parse_grid_axis("b=x,y")});
    ASSERT_EQ(cells.size(), 6U);
    using p = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(cells[0], (p{{"protection.stop_loss.percent", "1"}, {"b", "x"}}));
    EXPECT_EQ(cells[1], (p{{"protection.stop_loss.percent", "1"}, {"b", "y"}}));
    EXPECT_EQ(cells[5], (p{{"protection.stop_loss.percent", "3"}, {"b", "y"}}));
}

TEST(backtest_grid, ranking_is_by_net_pnl_then_grid_order) {
    std::vector<grid_cell_result> cells(3);
    cells[0].stats.net_pnl = core::decimal::from_int(1);
    cells[1].stats.net_pnl = core::decimal::from_int(5);
    cells[2].stats.net_pnl = core::decimal::from_int(1);
    EXPECT_EQ(grid_ranking(cells), (std::vector<std::size_t>{1, 0, 2}));
}

}  // namespace
}  // namespace tradebot::backtest
