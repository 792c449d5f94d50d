#include "io/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace gpuslice::io {

namespace {

constexpr std::size_t kErrorBodyBytes = 200;  // of a 4xx/5xx body, kept for the message

/// A curl_slist freed on every path.
struct HeaderList {
  curl_slist* list = nullptr;
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list); }
  bool append(const std::string& line) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next) list = next;
    return next != nullptr;
  }
};

/// What the write callback needs while a body arrives.
struct Transfer {
  CURL* curl;
  const BodyCallback* body;
  HttpOutcome* outcome;
  const HttpRequest* request;
  long status = -1;  // read at the first piece of the body
};

std::size_t onBody(char* data, std::size_t, std::size_t n, void* user) {
  Transfer& t = *static_cast<Transfer*>(user);
  if (t.status < 0) {
    curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &t.status);
    if (t.status >= 200 && t.status <= 299 && t.request->onBodyStart) {
      curl_off_t length = -1;
      curl_easy_getinfo(t.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      t.request->onBodyStart(static_cast<std::int64_t>(length));
    }
  }
  if (t.status < 200 || t.status > 299) {
    std::string& start = t.outcome->errorBodyStart;
    start.append(data, std::min(n, kErrorBodyBytes - start.size()));
    return n;
  }
  if ((*t.body)(std::string_view(data, n))) return n;
  t.outcome->aborted = true;
  return 0;  // libcurl stops with CURLE_WRITE_ERROR
}

bool isTlsError(CURLcode c) {
  switch (c) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED: return true;
    default: return false;
  }
}

/// A failed transfer in words. libcurl's own message (`detail`) only where it says more than
/// the code.
std::string transportError(CURL* curl, CURLcode c, const char* detail, const HttpRequest& r) {
  if (c == CURLE_COULDNT_CONNECT) {
    long err = 0;
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &err);
    if (err == ECONNREFUSED) return "cannot connect (connection refused)";
    return fmt::format("cannot connect ({})", err ? std::strerror(static_cast<int>(err)) : detail);
  }
  if (c == CURLE_OPERATION_TIMEDOUT && r.idleTimeoutSeconds > 0)
    return fmt::format("nothing received for {} s", r.idleTimeoutSeconds);
  if (c == CURLE_OPERATION_TIMEDOUT) return fmt::format("no complete answer within {} s", r.timeoutSeconds);
  if (c == CURLE_PARTIAL_FILE) {
    curl_off_t got = 0, length = -1;
    curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &got);
    curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length >= 0) return fmt::format("the connection closed after {} of the answer's {} bytes", got, length);
    return fmt::format("the connection closed before the answer ended (after {} bytes)", got);
  }
  if (c == CURLE_COULDNT_RESOLVE_HOST) return "cannot resolve the host name";
  if (isTlsError(c)) return fmt::format("TLS failure: {}", *detail ? detail : curl_easy_strerror(c));
  return *detail ? detail : curl_easy_strerror(c);
}

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
};

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) { impl_->curl = curl_easy_init(); }

HttpClient::~HttpClient() {
  if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

HttpOutcome HttpClient::perform(const HttpRequest& r, const BodyCallback& body) {
  HttpOutcome outcome;
  CURL* curl = impl_->curl;
  if (!curl) {
    outcome.transportError = "cannot start libcurl";
    return outcome;
  }
  curl_easy_reset(curl);
  HeaderList headers;
  for (const std::string& h : r.headers) {
    if (!headers.append(h)) {
      outcome.transportError = "out of memory";
      return outcome;
    }
  }
  char detail[CURL_ERROR_SIZE] = "";
  Transfer transfer{curl, &body, &outcome, &r};
  curl_easy_setopt(curl, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (r.idleTimeoutSeconds > 0) {
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, r.idleTimeoutSeconds);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);                   // bytes per second...
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, r.idleTimeoutSeconds);  // ...for this long
  } else {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, r.timeoutSeconds);
  }
  if (r.bufferBytes > 0) curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, r.bufferBytes);
  if (r.maxRedirects > 0) {
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, r.maxRedirects);
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  }
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever this libcurl decodes (gzip)
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  if (!r.form.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.form.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r.form.c_str());
  }
  if (!r.caFile.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, r.caFile.c_str());
  if (!r.awsSigV4.empty()) {
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, r.awsSigV4.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, r.awsAccessKeyId.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, r.awsSecretAccessKey.c_str());
  }
  const CURLcode c = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &outcome.status);
  if (c != CURLE_OK && !outcome.aborted) {
    outcome.transportError = transportError(curl, c, detail, r);
  }
  return outcome;
}

std::string urlWithoutCredentials(const std::string& url) {
  CURLU* u = curl_url();
  // Unparsable: drop whatever sits between "//" and an '@' of the authority.
  std::string out = url;
  const std::size_t from = out.find("//");
  const std::size_t at = from == std::string::npos ? from : out.find('@', from);
  if (at != std::string::npos && out.find('/', from + 2) > at) out.erase(from + 2, at + 1 - (from + 2));
  char* text = nullptr;
  if (u && curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_USER, nullptr, 0) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_PASSWORD, nullptr, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_URL, &text, 0) == CURLUE_OK) {
    out = text;
  }
  curl_free(text);
  curl_url_cleanup(u);
  return out;
}

std::optional<std::string> resolveUrl(const std::string& base, const std::string& reference) {
  CURLU* u = curl_url();
  char* text = nullptr;
  char* scheme = nullptr;
  std::optional<std::string> out;
  if (u && curl_url_set(u, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_URL, reference.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      (std::strcmp(scheme, "http") == 0 || std::strcmp(scheme, "https") == 0) &&
      curl_url_get(u, CURLUPART_URL, &text, 0) == CURLUE_OK) {
    out = text;
  }
  curl_free(text);
  curl_free(scheme);
  curl_url_cleanup(u);
  return out;
}

std::string urlEscape(std::string_view s) {
  char* e = curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

}  // namespace gpuslice::io
