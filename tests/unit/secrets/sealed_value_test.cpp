#include "tradebot/secrets/sealed_value.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "secrets/base64.hpp"

namespace tradebot::secrets {
namespace {

master_key key_of(char fill) { return *master_key::from_base64(detail::base64_encode(std::string(32, fill))); }

// The sealed text with byte `i` of its decoded payload XOR-ed with `mask`, re-encoded.
std::string flip_payload_byte(const std::string& sealed, std::size_t i, unsigned char mask = 0x01) {
    auto payload = *detail::base64_decode(std::string_view{sealed}.substr(sealed_v1_prefix.size()));
    payload[i] = static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask);
    return std::string{sealed_v1_prefix} + detail::base64_encode(payload);
}

std::size_t payload_size(const std::string& sealed) {
    return detail::base64_decode(std::string_view{sealed}.substr(sealed_v1_prefix.size()))->size();
}

TEST(sealed_value, round_trips_texts_of_every_length_and_byte) {
    const auto key = key_of('k');
    std::string all_bytes;
    for (int c = 0; c < 256; ++c) {
        all_bytes += static_cast<char>(c);
    }
    for (const std::string& text : {std::string{}, std::string{"x"}, std::string{"ab"}, std::string{"abc"},
                                   std::string{"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"},
                                   std::string{"postgresql://bot:p@ss w0rd!@db:5432/fox?sslmode=require"},
                                   std::string{"ключ-🔑"}, all_bytes, std::string(100000, 'z')}) {
        const auto sealed = seal(key, text);
        ASSERT_TRUE(sealed) << sealed.error().message();
        EXPECT_TRUE(sealed->starts_with("enc:v1:"));
        if (text.size() >= 16) {
            // Shorter texts can occur in any base64 by chance.
            EXPECT_EQ(sealed->find(text), std::string::npos);
        }
        const auto opened = open(key, *sealed);
        ASSERT_TRUE(opened) << opened.error().message();
        EXPECT_EQ(*opened, text);
    }
}

TEST(sealed_value, the_empty_text_seals_to_nonce_and_tag_only) {
    const auto sealed = seal(key_of('k'), "");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(payload_size(*sealed), 12U + 16U);
    EXPECT_EQ(*open(key_of('k'), *sealed), "");
}

TEST(sealed_value, each_seal_uses_a_fresh_nonce) {
    const auto key = key_of('k');
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        seen.insert(*seal(key, "same text"));
    }
    EXPECT_EQ(seen.size(), 50U);
}

TEST(sealed_value, altering_any_byte_of_nonce_ciphertext_or_tag_fails_closed) {
    const auto key = key_of('k');
    const std::string secret = "binance-api-secret-0123456789";
    const auto sealed = *seal(key, secret);
    const auto size = payload_size(sealed);
    ASSERT_EQ(size, 12U + secret.size() + 16U);
    // Every byte of each region (nonce 0..11, ciphertext, tag), each with a low and a high bit flipped.
    for (std::size_t i = 0; i < size; ++i) {
        for (const unsigned char mask : {0x01, 0x80}) {
            const auto opened = open(key, flip_payload_byte(sealed, i, mask));
            ASSERT_FALSE(opened) << "byte " << i << " mask " << int{mask};
            EXPECT_EQ(opened.error(), make_error_code(errc::authentication_failed)) << "byte " << i;
        }
    }
}

TEST(sealed_value, truncated_or_extended_payloads_fail_closed) {
    const auto key = key_of('k');
    const auto sealed = *seal(key, "secret value");
    auto payload = *detail::base64_decode(std::string_view{sealed}.substr(7));
    for (std::size_t cut = 1; cut < payload.size(); ++cut) {
        const auto shorter = std::string{sealed_v1_prefix} + detail::base64_encode(payload.substr(0, payload.size() - cut));
        const auto opened = open(key, shorter);
        ASSERT_FALSE(opened) << "cut " << cut;
        const auto expected = payload.size() - cut < 28 ? errc::malformed : errc::authentication_failed;
        EXPECT_EQ(opened.error(), make_error_code(expected)) << "cut " << cut;
    }
    const auto longer = std::string{sealed_v1_prefix} + detail::base64_encode(payload + "x");
    EXPECT_EQ(open(key, longer).error(), make_error_code(errc::authentication_failed));
}

TEST(sealed_value, the_header_is_authenticated_and_checked) {
    const auto key = key_of('k');
    const auto sealed = *seal(key, "secret");
    const auto body = sealed.substr(sealed_v1_prefix.size());
    EXPECT_EQ(open(key, "enc:v2:" + body).error(), make_error_code(errc::unsupported_version));
    EXPECT_EQ(open(key, "enc:v0:" + body).error(), make_error_code(errc::unsupported_version));
    EXPECT_EQ(open(key, "enc:V1:" + body).error(), make_error_code(errc::unsupported_version));
    EXPECT_EQ(open(key, "enc:" + body).error(), make_error_code(errc::unsupported_version));
    EXPECT_EQ(open(key, "ENC:v1:" + body).error(), make_error_code(errc::not_sealed));
    EXPECT_EQ(open(key, " enc:v1:" + body).error(), make_error_code(errc::not_sealed));
    EXPECT_EQ(open(key, body).error(), make_error_code(errc::not_sealed));
}

TEST(sealed_value, a_wrong_key_fails_closed) {
    const auto sealed = *seal(key_of('a'), "secret");
    EXPECT_EQ(open(key_of('b'), sealed).error(), make_error_code(errc::authentication_failed));
    // One bit of difference in the key is enough.
    auto bytes = std::string(32, 'a');
    bytes[31] = static_cast<char>('a' ^ 1);
    const auto near = *master_key::from_base64(detail::base64_encode(bytes));
    EXPECT_EQ(open(near, sealed).error(), make_error_code(errc::authentication_failed));
    EXPECT_EQ(*open(key_of('a'), sealed), "secret");
}

TEST(sealed_value, empty_and_malformed_texts_are_errors_not_values) {
    const auto key = key_of('k');
    EXPECT_EQ(open(key, "").error(), make_error_code(errc::not_sealed));
    EXPECT_EQ(open(key, "enc:").error(), make_error_code(errc::unsupported_version));
    EXPECT_EQ(open(key, "enc:v1:").error(), make_error_code(errc::malformed));
    EXPECT_EQ(open(key, "enc:v1:AAAA").error(), make_error_code(errc::malformed));
    const auto sealed = *seal(key, "secret");
    EXPECT_EQ(open(key, sealed + "\n").error(), make_error_code(errc::malformed));
    EXPECT_EQ(open(key, sealed.substr(0, sealed.size() - 1)).error(), make_error_code(errc::malformed));
    auto bad_char = sealed;
    bad_char[10] = '*';
    EXPECT_EQ(open(key, bad_char).error(), make_error_code(errc::malformed));
    EXPECT_TRUE(looks_sealed("enc:v9:x"));
    EXPECT_FALSE(looks_sealed("plain-api-key"));
}

TEST(sealed_value, error_messages_name_the_problem_not_the_value) {
    const auto sealed = *seal(key_of('a'), "very-distinctive-secret");
    const auto message = open(key_of('b'), sealed).error().message();
    EXPECT_NE(message.find("wrong master key"), std::string::npos) << message;
    EXPECT_EQ(message.find("very-distinctive-secret"), std::string::npos);
    EXPECT_EQ(message.find(sealed.substr(7, 12)), std::string::npos);
}

TEST(base64, matches_rfc4648_vectors_and_is_strict) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(detail::base64_encode(plain), encoded);
        EXPECT_EQ(detail::base64_decode(encoded), std::string{plain});
    }
    for (const char* bad : {"Zg", "Zg=", "Z===", "=Zg=", "Zm9v=", "Zh==", "Zm9=", "Zm 9", "Zm9v\n"}) {
        EXPECT_FALSE(detail::base64_decode(bad)) << bad;
    }
}

}  // namespace
}  // namespace tradebot::secrets
