#include "config/yaml_reader.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include <yaml-cpp/yaml.h>

#include "config/expand.hpp"
#include "config/schema.hpp"

namespace tradebot::config::detail {
namespace {

class reader {
public:
    reader(std::string file, const std::map<std::string, std::string>& env, std::map<std::string, raw_value>& values,
           error_sink& sink)
        : file_{std::move(file)}, env_{env}, values_{values}, sink_{sink} {}

    void read_document(const YAML::Node& root) {
        if (root.IsNull()) {
            return;
        }
        if (!root.IsMap()) {
            sink_.add(where(root.Mark()), {}, "expected a mapping of sections at the top level");
            return;
        }
        read_mapping(root, {});
    }

private:
    [[nodiscard]] source_location where(const YAML::Mark& mark) const {
        if (mark.is_null()) {
            return {file_, 0, 0};
        }
        return {file_, mark.line + 1, mark.column + 1};
    }

    std::optional<std::string> scalar(const YAML::Node& node, const source_location& loc, const std::string& path) {
        std::string error;
        auto text = expand(node.Scalar(), env_, error);
        if (!text) {
            sink_.add(loc, path, error);
        }
        return text;
    }

    void read_mapping(const YAML::Node& map, const std::string& prefix) {
        for (auto it = map.begin(); it != map.end(); ++it) {
            const auto loc = where(it->first.Mark());
            if (!it->first.IsScalar()) {
                sink_.add(loc, prefix, "keys must be plain names");
                continue;
            }
            const auto path = prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar();
            if (find_field(path) != nullptr) {
                read_value(it->second, path, loc);
            } else if (is_section(path)) {
                if (it->second.IsMap()) {
                    read_mapping(it->second, path);
                } else if (!it->second.IsNull()) {
                    sink_.add(loc, path, "expected a mapping of keys");
                }
            } else {
                std::string message = "unknown key '" + path + "'";
                if (const auto why = removed_key_reason(path); !why.empty()) {
                    message = "'" + path + "' was removed: " + std::string{why};
                } else if (const auto hint = closest_key(path); !hint.empty()) {
                    message += ", did you mean '" + hint + "'?";
                }
                sink_.add(loc, path, std::move(message));
            }
        }
    }

    void read_value(const YAML::Node& node, const std::string& path, const source_location& loc) {
        if (const auto previous = values_.find(path); previous != values_.end()) {
            const auto& first = previous->second.loc;
            sink_.add(loc, path,
                      "duplicate key, already set at " + first.file + ":" + std::to_string(first.line));
            return;
        }
        raw_value raw;
        raw.loc = loc;
        if (node.IsNull()) {
            raw.type = raw_value::kind::null;
        } else if (node.IsScalar()) {
            auto text = scalar(node, loc, path);
            if (!text) {
                return;
            }
            raw.text = std::move(*text);
        } else if (node.IsSequence()) {
            raw.type = raw_value::kind::sequence;
            for (const auto& item : node) {
                const auto item_loc = where(item.Mark());
                if (item.IsNull()) {
                    raw.items.push_back({{}, {}, item_loc});
                    continue;
                }
                if (!item.IsScalar()) {
                    sink_.add(item_loc, path, "list entries must be single values");
                    return;
                }
                auto text = scalar(item, item_loc, path);
                if (!text) {
                    return;
                }
                raw.items.push_back({{}, std::move(*text), item_loc});
            }
        } else if (node.IsMap()) {
            raw.type = raw_value::kind::mapping;
            for (auto it = node.begin(); it != node.end(); ++it) {
                const auto item_loc = where(it->first.Mark());
                if (!it->first.IsScalar() || !(it->second.IsScalar() || it->second.IsNull())) {
                    sink_.add(item_loc, path, "entries must be name: value");
                    return;
                }
                std::string text;
                if (it->second.IsScalar()) {
                    auto expanded = scalar(it->second, item_loc, path);
                    if (!expanded) {
                        return;
                    }
                    text = std::move(*expanded);
                }
                raw.items.push_back({it->first.Scalar(), std::move(text), item_loc});
            }
        }
        values_.emplace(path, std::move(raw));
    }

    std::string file_;
    const std::map<std::string, std::string>& env_;
    std::map<std::string, raw_value>& values_;
    error_sink& sink_;
};

}  // namespace

file_status read_yaml_file(const std::filesystem::path& file, const std::map<std::string, std::string>& env,
                           std::map<std::string, raw_value>& values, error_sink& sink) {
    const auto name = file.string();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        return file_status::missing;
    }
    std::ifstream in{file, std::ios::binary};
    if (!in.is_open()) {
        sink.add({name, 0, 0}, {}, "cannot open file");
        return file_status::read;
    }
    std::stringstream text;
    text << in.rdbuf();
    try {
        const auto root = YAML::Load(text.str());
        reader{name, env, values, sink}.read_document(root);
    } catch (const YAML::Exception& e) {
        sink.add({name, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1}, {},
                 "invalid YAML: " + e.msg);
    }
    return file_status::read;
}

}  // namespace tradebot::config::detail
