#include "backtest/input_files.hpp"

#include <algorithm>
#include <system_error>

namespace tradebot::backtest {

loaded<std::vector<std::filesystem::path>> input_files(const std::filesystem::path& path,
                                                       const std::vector<std::string_view>& extensions) {
    loaded<std::vector<std::filesystem::path>> out;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(path, ec)) {
        for (const auto& e : std::filesystem::directory_iterator{path, ec}) {
            const auto ext = e.path().extension().string();
            if (e.is_regular_file() && std::find(extensions.begin(), extensions.end(), ext) != extensions.end()) {
                files.push_back(e.path());
            }
        }
        std::sort(files.begin(), files.end());
        if (files.empty()) {
            std::string wanted;
            for (const auto ext : extensions) {
                wanted += (wanted.empty() ? "*" : " or *") + std::string{ext};
            }
            out.error = path.string() + ": no " + wanted + " files";
            return out;
        }
    } else if (std::filesystem::is_regular_file(path, ec)) {
        files.push_back(path);
    } else {
        out.error = path.string() + ": no such file or directory";
        return out;
    }
    out.value = std::move(files);
    return out;
}

loaded<price_history> load_bar_files(const std::filesystem::path& path, const bar_file_reader& read,
                                     const bar_files_wording& wording,
                                     const std::function<void(std::size_t, std::size_t)>& progress) {
    loaded<price_history> out;
    auto files = input_files(path, {".csv"});
    if (!files.value) {
        out.error = std::move(files.error);
        return out;
    }
    price_history all;
    for (std::size_t i = 0; i < files.value->size(); ++i) {
        const auto& file = (*files.value)[i];
        const auto stem = file.stem().string();
        const auto symbol = core::symbol::parse(stem.substr(0, stem.find('-')));
        if (!symbol) {
            out.error = file.string() + ": file name does not start with a symbol (e.g. " +
                        std::string{wording.example_name} + ")";
            return out;
        }
        csv::line_reader rows{file};
        if (auto e = rows.open_error()) {
            out.error = std::move(*e);
            return out;
        }
        auto one = read(rows, file, *symbol);
        if (!one.value) {
            out.error = std::move(one.error);
            return out;
        }
        if (one.value->bars.empty()) {
            out.error = file.string() + ": " + std::string{wording.empty};
            return out;
        }
        auto& series = all[*symbol];
        series.symbol = *symbol;
        if (!series.bars.empty() && one.value->bars.front().open_ms <= series.bars.back().open_ms) {
            out.error = file.string() + ":1: overlaps or precedes the previous file of " + symbol->str() +
                        std::string{wording.overlap_hint};
            return out;
        }
        series.bars.insert(series.bars.end(), one.value->bars.begin(), one.value->bars.end());
        if (progress) {
            progress(i + 1, files.value->size());
        }
    }
    out.value = std::move(all);
    return out;
}

}  // namespace tradebot::backtest
