#include "backtest/csv.hpp"

#include <cctype>

namespace tradebot::backtest::csv {

namespace {

std::string trim(std::string s) {
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && blank(s[b])) ++b;
    while (e > b && blank(s[e - 1])) --e;
    return s.substr(b, e - b);
}

}  // namespace

std::string_view chomp(std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return line;
}

std::vector<std::string> split(std::string_view line) {
    std::vector<std::string> out;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(trim(std::move(field)));
            field.clear();
        } else {
            field += c;
        }
    }
    out.push_back(trim(std::move(field)));
    return out;
}

std::string lower(std::string_view s) {
    std::string out{s};
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

line_reader::line_reader(const std::filesystem::path& file) : file_{file}, in_{file} {}

std::optional<std::string> line_reader::open_error() const {
    if (in_) return std::nullopt;
    return file_.string() + ": cannot open";
}

bool line_reader::next(std::vector<std::string>& fields) {
    while (std::getline(in_, text_)) {
        ++line_;
        const auto trimmed = chomp(text_);
        if (!trimmed.empty()) {
            fields = split(trimmed);
            return true;
        }
    }
    return false;
}

}  // namespace tradebot::backtest::csv
