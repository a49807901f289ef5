// The transport's failure paths, against loopback sockets: each is an error value with a
// sentence for a person, and the bearer token never appears in it.

#include "admit/sync/client/http_client.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "local_sockets.hpp"

namespace admit::sync {
namespace {

using namespace std::chrono_literals;

constexpr const char* kToken = "dGhpcy1pcy1hLWRldmljZS10b2tlbi0zMi1ieXRlcy0hIQ";

TEST(HttpClient, RefusedConnectionIsUnreachableWithTheCause) {
    HttpClient http;
    HttpRequest request;
    request.url = admit::testing::refusedUrl() + "/v1/events/x/devices";
    request.bearerToken = kToken;
    auto answer = http.perform(request);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().kind, HttpError::Kind::kUnreachable);
    EXPECT_EQ(answer.error().message, "could not reach the server: Connection refused");
}

TEST(HttpClient, SilentServerTimesOutAfterTheRequestTimeout) {
    admit::testing::LoopbackSocket silent(true);
    HttpClient http;
    HttpRequest request;
    request.method = HttpRequest::Method::kPost;
    request.url = silent.url() + "/v1/enrol";
    request.body = R"({"protocol": 1})";
    request.bearerToken = kToken;
    request.timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    auto answer = http.perform(request);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().kind, HttpError::Kind::kUnreachable);
    EXPECT_EQ(answer.error().message, "could not reach the server: timed out after 300 ms");
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 5s);
}

TEST(HttpClient, SameClientWorksAgainAfterAFailure) {
    HttpClient http;
    HttpRequest request;
    request.url = admit::testing::refusedUrl();
    ASSERT_FALSE(http.perform(request).ok());
    admit::testing::LoopbackSocket silent(true);
    request.url = silent.url();
    request.timeout = 200ms;
    auto second = http.perform(request);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().message, "could not reach the server: timed out after 200 ms");
}

// Seen under a fault-injecting proxy: a garbage answer was "the server address ... is not
// valid" (a local error) and an empty one "could not reach the server". The server was reached
// both times; what failed is its answer.
TEST(HttpClient, AnAnswerThatIsNotHttpIsABadAnswerNotABadAddress) {
    admit::testing::ScriptedServer garbage({"\x16\x03garbage that is not HTTP\n"});
    HttpClient http;
    HttpRequest request;
    request.url = garbage.url() + "/v1/events/x/devices";
    auto answer = http.perform(request);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().kind, HttpError::Kind::kBadAnswer);
    EXPECT_EQ(answer.error().message, "the server was reached, but its answer is not HTTP");
}

TEST(HttpClient, AServerThatHangsUpWithoutAnsweringIsABadAnswer) {
    admit::testing::ScriptedServer silent({""});
    HttpClient http;
    HttpRequest request;
    request.url = silent.url() + "/v1/events/x/devices";
    auto answer = http.perform(request);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().kind, HttpError::Kind::kBadAnswer);
    EXPECT_EQ(answer.error().message,
              "the server was reached, but it closed the connection without answering");
}

TEST(HttpClient, AnAnswerCutShortIsABadAnswer) {
    admit::testing::ScriptedServer half(
        {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"che"});
    HttpClient http;
    HttpRequest request;
    request.url = half.url() + "/v1/events/x/devices";
    auto answer = http.perform(request);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().kind, HttpError::Kind::kBadAnswer);
    EXPECT_EQ(answer.error().message,
              "the server was reached, but the connection broke before its answer was complete");
}

TEST(HttpClient, OtherSchemesAndMalformedAddressesAreLocalErrors) {
    HttpClient http;
    HttpRequest request;
    request.url = "file:///etc/passwd";
    auto file = http.perform(request);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().kind, HttpError::Kind::kLocal);
    EXPECT_EQ(file.error().message.rfind("the server address file:///etc/passwd is not valid", 0),
              0u)
        << file.error().message;

    request.url = "http://[::1";
    auto malformed = http.perform(request);
    ASSERT_FALSE(malformed.ok());
    EXPECT_EQ(malformed.error().kind, HttpError::Kind::kLocal);
}

TEST(HttpClient, TokenIsRemovedEvenFromMessagesThatWouldQuoteIt) {
    // A URL never carries the token; if a caller's bug put it there, the message that quotes
    // the URL still does not show it.
    HttpClient http;
    HttpRequest request;
    request.url = std::string("gopher://127.0.0.1/") + kToken;
    request.bearerToken = kToken;
    auto answer = http.perform(request);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().message.find(kToken), std::string::npos) << answer.error().message;
    EXPECT_NE(answer.error().message.find("[secret]"), std::string::npos);
}

TEST(HttpClient, UnresolvableHostIsUnreachable) {
    HttpClient http;
    HttpRequest request;
    request.url = "http://admit-sync.invalid/v1/enrol";  // .invalid never resolves (RFC 6761)
    request.connectTimeout = 3s;
    request.timeout = 5s;
    auto answer = http.perform(request);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().kind, HttpError::Kind::kUnreachable);
    EXPECT_EQ(answer.error().message.rfind("could not reach the server: ", 0), 0u);
}

}  // namespace
}  // namespace admit::sync
