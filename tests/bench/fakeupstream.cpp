#include "fakeupstream.h"

#include "benchutil.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <queue>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace bench {

namespace {

constexpr int kCompletionSize = 588; // the size the reference measurements used

std::string makeCompletion()
{
    const std::string head =
        R"({"id":"chatcmpl-bench-0001","object":"chat.completion","created":1700000000,)"
        R"("model":"qwen3-coder-plus","choices":[{"index":0,"message":{"role":"assistant","content":")";
    const std::string tail =
        R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":512,"completion_tokens":64,"total_tokens":576}})";
    std::string text = "Here is the answer you asked for. ";
    std::string content;
    while (head.size() + content.size() + tail.size() < size_t(kCompletionSize))
        content += text[content.size() % text.size()];
    return head + content + tail;
}

const std::string &completionResponse()
{
    static const std::string r = [] {
        const std::string body = makeCompletion();
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    return r;
}

const char kStreamHead[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                           "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";

// One SSE event as one HTTP chunk, appended to out.
void appendEvent(std::string &out, int index, int count)
{
    char json[512];
    const bool last = index == count - 1;
    const int n = std::snprintf(
        json, sizeof json,
        "data: {\"id\":\"chatcmpl-bench-0001\",\"object\":\"chat.completion.chunk\","
        "\"created\":1700000000,\"model\":\"qwen3-coder-plus\",\"choices\":[{\"index\":0,"
        "\"delta\":{%s\"content\":\"ts=%lld; token %d \"},\"finish_reason\":%s}]%s}\n\n",
        index == 0 ? "\"role\":\"assistant\"," : "", static_cast<long long>(nowNs()), index,
        last ? "\"stop\"" : "null",
        last ? ",\"usage\":{\"prompt_tokens\":512,\"completion_tokens\":20,\"total_tokens\":532}"
             : "");
    char size[16];
    const int sn = std::snprintf(size, sizeof size, "%x\r\n", n);
    out.append(size, size_t(sn));
    out.append(json, size_t(n));
    out += "\r\n";
    if (last) {
        static const char done[] = "data: [DONE]\n\n";
        const int dn = int(sizeof done) - 1;
        const int sn2 = std::snprintf(size, sizeof size, "%x\r\n", dn);
        out.append(size, size_t(sn2));
        out.append(done, size_t(dn));
        out += "\r\n0\r\n\r\n";
    }
}

struct Conn {
    int fd = -1;
    std::string in;
    std::string out;
    size_t outOff = 0;
    bool wantWrite = false;
    bool streaming = false;
    int next = 0;
    int count = 0;
    int64_t start = 0;
    int64_t intervalNs = 0;
};

struct Due {
    int64_t at;
    int fd;
    uint64_t gen;
    bool operator>(const Due &o) const { return at > o.at; }
};

bool iequalsPrefix(std::string_view s, std::string_view lowerPrefix)
{
    if (s.size() < lowerPrefix.size())
        return false;
    for (size_t i = 0; i < lowerPrefix.size(); ++i)
        if (char(std::tolower(static_cast<unsigned char>(s[i]))) != lowerPrefix[i])
            return false;
    return true;
}

long markerValue(std::string_view body, std::string_view marker, long fallback)
{
    const size_t at = body.find(marker);
    if (at == std::string_view::npos)
        return fallback;
    return std::strtol(body.data() + at + marker.size(), nullptr, 10);
}

class Upstream
{
public:
    explicit Upstream(int listenFd) : m_listen(listenFd)
    {
        m_ep = epoll_create1(EPOLL_CLOEXEC);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = m_listen;
        epoll_ctl(m_ep, EPOLL_CTL_ADD, m_listen, &ev);
    }

    [[noreturn]] void run()
    {
        std::vector<epoll_event> events(512);
        for (;;) {
            int timeout = -1;
            if (!m_timers.empty()) {
                const int64_t wait = m_timers.top().at - nowNs();
                timeout = wait <= 0 ? 0 : int((wait + 999999) / 1000000);
            }
            const int n = epoll_wait(m_ep, events.data(), int(events.size()), timeout);
            for (int i = 0; i < n; ++i) {
                const int fd = events[size_t(i)].data.fd;
                if (fd == m_listen) {
                    acceptAll();
                    continue;
                }
                Conn *c = conn(fd);
                if (!c)
                    continue;
                if (events[size_t(i)].events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
                    if (!onReadable(c))
                        continue;
                if (events[size_t(i)].events & EPOLLOUT)
                    flush(c);
            }
            fireTimers();
        }
    }

private:
    Conn *conn(int fd) { return size_t(fd) < m_conns.size() ? m_conns[size_t(fd)].get() : nullptr; }

    void acceptAll()
    {
        for (;;) {
            const int fd = accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return;
            int one = 1;
            // Without NODELAY a keep-alive SSE connection stalls ~40 ms (docs/qt-notes.md,
            // "Nagle").
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (size_t(fd) >= m_conns.size()) {
                m_conns.resize(size_t(fd) + 1024);
                m_gens.resize(size_t(fd) + 1024, 0);
            }
            auto c = std::make_unique<Conn>();
            c->fd = fd;
            m_conns[size_t(fd)] = std::move(c);
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.fd = fd;
            epoll_ctl(m_ep, EPOLL_CTL_ADD, fd, &ev);
        }
    }

    void close(Conn *c)
    {
        const int fd = c->fd;
        ++m_gens[size_t(fd)]; // invalidates pending stream timers for this fd
        epoll_ctl(m_ep, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        m_conns[size_t(fd)].reset();
    }

    // Returns false when the connection was closed.
    bool onReadable(Conn *c)
    {
        char buf[65536];
        for (;;) {
            const ssize_t r = ::read(c->fd, buf, sizeof buf);
            if (r > 0) {
                c->in.append(buf, size_t(r));
                continue;
            }
            if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(c);
                return false;
            }
            if (errno == EAGAIN)
                break;
        }
        return processRequests(c);
    }

    bool processRequests(Conn *c)
    {
        while (!c->streaming) {
            const size_t end = c->in.find("\r\n\r\n");
            if (end == std::string::npos)
                break;
            size_t contentLength = 0;
            std::string_view head(c->in.data(), end);
            for (size_t pos = head.find('\n'); pos != std::string_view::npos;
                 pos = head.find('\n', pos + 1)) {
                std::string_view line = head.substr(pos + 1);
                if (iequalsPrefix(line, "content-length:"))
                    contentLength = size_t(std::strtoul(line.data() + 15, nullptr, 10));
            }
            const size_t total = end + 4 + contentLength;
            if (c->in.size() < total)
                break;
            std::string_view body(c->in.data() + end + 4, contentLength);
            const bool stream = body.find("\"stream\":true") != std::string_view::npos ||
                                body.find("\"stream\": true") != std::string_view::npos;
            if (!stream) {
                c->out += completionResponse();
            } else {
                c->out += kStreamHead;
                const long ms = markerValue(body, "bench_ms=", 0);
                const int count = int(std::max(1L, markerValue(body, "bench_n=", 20)));
                if (ms <= 0) {
                    for (int i = 0; i < count; ++i)
                        appendEvent(c->out, i, count);
                } else {
                    appendEvent(c->out, 0, count);
                    c->streaming = true;
                    c->next = 1;
                    c->count = count;
                    c->start = nowNs();
                    c->intervalNs = int64_t(ms) * 1000000;
                    m_timers.push({c->start + c->intervalNs, c->fd, m_gens[size_t(c->fd)]});
                }
            }
            c->in.erase(0, total);
        }
        return flush(c);
    }

    void fireTimers()
    {
        const int64_t now = nowNs();
        while (!m_timers.empty() && m_timers.top().at <= now) {
            const Due d = m_timers.top();
            m_timers.pop();
            Conn *c = conn(d.fd);
            if (!c || m_gens[size_t(d.fd)] != d.gen || !c->streaming)
                continue;
            appendEvent(c->out, c->next, c->count);
            ++c->next;
            if (c->next < c->count) {
                m_timers.push({c->start + c->next * c->intervalNs, c->fd, d.gen});
                flush(c);
            } else {
                c->streaming = false;
                processRequests(c); // also flushes; a pipelined request may be waiting
            }
        }
    }

    bool flush(Conn *c)
    {
        while (c->outOff < c->out.size()) {
            const ssize_t w = ::write(c->fd, c->out.data() + c->outOff, c->out.size() - c->outOff);
            if (w > 0) {
                c->outOff += size_t(w);
                continue;
            }
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0 && errno == EAGAIN) {
                if (!c->wantWrite) {
                    c->wantWrite = true;
                    epoll_event ev{};
                    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLOUT;
                    ev.data.fd = c->fd;
                    epoll_ctl(m_ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
                return true;
            }
            close(c);
            return false;
        }
        c->out.clear();
        c->outOff = 0;
        if (c->wantWrite) {
            c->wantWrite = false;
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.fd = c->fd;
            epoll_ctl(m_ep, EPOLL_CTL_MOD, c->fd, &ev);
        }
        return true;
    }

    int m_listen;
    int m_ep;
    std::vector<std::unique_ptr<Conn>> m_conns;
    std::vector<uint64_t> m_gens;
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> m_timers;
};

} // namespace

int completionBodySize()
{
    return int(makeCompletion().size());
}

int makeListenSocket(uint16_t *port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || listen(fd, 4096) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) != 0) {
        ::close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

void runFakeUpstream(int listenFd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive the benchmark
    std::signal(SIGPIPE, SIG_IGN);
    Upstream u(listenFd);
    u.run();
}

} // namespace bench
