#pragma once

// The frame pipeline both venues' stream decoders share (private to the codecs): cheap text paths
// first, then the on-demand hot pass, then a generic pass that reads the whole frame. Each venue
// supplies its stages; what happens between them, and how failures become `malformed`, is here.

#include <exception>
#include <string>
#include <string_view>

#include "exchange/json_scan.hpp"
#include "tradebot/exchange/symbol_map.hpp"

namespace tradebot::exchange {

// What a venue's frame readers need besides the frame.
struct decode_context {
    const symbol_map& symbols;
    events::time_point receive_ts;
};

// A decoder's state between frames: reusing the parser, the padded copy and the parts means a
// frame allocates nothing once they have grown. `Frame` is the venue's parts of one frame.
template <class Frame>
struct decoder_scratch {
    explicit decoder_scratch(const symbol_map& s) : symbols{&s} {}
    const symbol_map* symbols;
    json::od::parser parser;
    std::string buffer;
    Frame parts;
};

// Runs one frame through the stages; `Malformed` is the venue's malformed alternative of `Decoded`.
//   fast(out) -> bool          text-only paths; true when `out` is the answer
//   hot(doc, out) -> bool      the on-demand pass over the common frames
//   read(doc, parts) -> const char*   the generic pass; the reason it failed, or nullptr
//   dispatch(parts) -> Decoded
// Nothing escapes: an exception becomes `Malformed` too.
template <class Decoded, class Malformed, class Frame, class Fast, class Hot, class Read, class Dispatch>
Decoded decode_staged(std::string_view text, decoder_scratch<Frame>& s, Fast&& fast, Hot&& hot, Read&& read,
                      Dispatch&& dispatch) noexcept {
    try {
        Decoded out;
        if (fast(out)) {
            return out;
        }
        s.parts.clear();
        const auto padded = json::pad(text, s.buffer);
        json::od::document doc;
        if (const auto e = s.parser.iterate(padded).get(doc)) {
            return Malformed{simdjson::error_message(e)};
        }
        if (hot(doc, out)) {
            return out;
        }
        // The generic pass starts over (document::rewind() is not safe after every error the
        // hot pass may stop at); only the rare frame types pay the second stage 1.
        if (const auto e = s.parser.iterate(padded).get(doc)) {
            return Malformed{simdjson::error_message(e)};
        }
        if (const char* reason = read(doc, s.parts)) {
            return Malformed{reason};
        }
        if (!json::at_end(doc)) {
            return Malformed{"trailing content after the JSON value"};
        }
        return dispatch(s.parts);
    } catch (const std::exception& ex) {
        return Malformed{ex.what()};
    } catch (...) {
        return Malformed{"unexpected failure"};
    }
}

}  // namespace tradebot::exchange
