// A small HTTP client over one libcurl easy handle: the response body streams to a callback,
// never held whole.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpuslice::io {

/// One request. POST when `form` is not empty (an application/x-www-form-urlencoded body),
/// else GET.
struct HttpRequest {
  std::string url;
  std::string form;
  std::vector<std::string> headers;  ///< "Name: value" lines sent as they are
  std::string caFile;                ///< CA certificates to verify the server with; empty: the system's
  long timeoutSeconds = 60;          ///< the whole request, connecting included
  /// When > 0, replaces timeoutSeconds for long downloads: fail when connecting takes this long
  /// or no byte arrives for this long, however long the whole transfer takes.
  long idleTimeoutSeconds = 0;
  long bufferBytes = 0;   ///< libcurl's receive buffer (fewer, larger body pieces); 0: its default, 16 KiB
  long maxRedirects = 0;  ///< redirects followed (3xx with a Location); 0: a 3xx is the answer
  /// Called once, before the first piece of a 2xx body, with the length the server announced
  /// (-1 when it announced none): for a progress bar.
  std::function<void(std::int64_t length)> onBodyStart;
  /// AWS Signature Version 4: libcurl's provider:provider:region:service ("aws:amz:us-east-1:aps")
  /// and the key pair; empty: no signing.
  std::string awsSigV4;
  std::string awsAccessKeyId, awsSecretAccessKey;
};

/// How a request ended.
struct HttpOutcome {
  /// Empty when an HTTP answer came (of any status); else what failed, in words
  /// ("cannot connect (connection refused)", "no answer within 5 s", "TLS failure: ...").
  std::string transportError;
  bool aborted = false;  ///< the body callback asked to stop
  long status = 0;       ///< the HTTP status, 0 without an answer
  /// The first bytes of the body of an answer that is not 2xx (then the callback sees none).
  std::string errorBodyStart;
};

/// Takes the next piece of a 2xx body; false stops the transfer.
using BodyCallback = std::function<bool(std::string_view bytes)>;

/// An easy handle, reused across requests (connections are kept alive).
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request` and hands the body to `body` as it arrives.
  HttpOutcome perform(const HttpRequest& request, const BodyCallback& body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `url` without a user name or password in it, for messages; `url` as it is when libcurl
/// cannot parse it.
std::string urlWithoutCredentials(const std::string& url);

/// `reference` resolved against `base` as a browser would (an absolute URL stays as it is, a path
/// starting with '/' replaces base's path, any other is relative to base's folder); nullopt
/// when either cannot be parsed or the result is not http or https.
std::optional<std::string> resolveUrl(const std::string& base, const std::string& reference);

/// `s` escaped for a URL or a form body (curl_easy_escape: all but A-Z a-z 0-9 - . _ ~).
std::string urlEscape(std::string_view s);

}  // namespace gpuslice::io
