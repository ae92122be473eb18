#include "loadclient.h"

#include "benchutil.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string_view>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bench {

namespace {

enum class Phase { Idle, Head, Body, ChunkSize, ChunkData, ChunkCrlf, Trailers };

struct Conn {
    int fd = -1;
    bool connecting = false;
    bool wantWrite = false;
    bool closed = false;
    size_t outOff = 0;
    std::string in;
    size_t inOff = 0;
    Phase phase = Phase::Idle;
    int status = 0;
    int64_t remaining = 0;
    int64_t sentAt = 0;
    bool gotFirstByte = false;
    bool gotFirstEvent = false;
    std::string body; // only when scanning timestamps
    size_t scanPos = 0;
    int64_t done = 0;
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

class Runner
{
public:
    Runner(const LoadSpec &spec, LoadResult &res) : m_spec(spec), m_res(res) {}

    void run()
    {
        m_ep = epoll_create1(EPOLL_CLOEXEC);
        m_start = nowNs();
        const int64_t sendEnd = m_start + m_spec.durationNs;
        const int64_t deadline = m_start + m_spec.deadlineNs;
        m_sendEnd = m_spec.durationNs > 0 ? sendEnd : INT64_MAX;
        m_conns.resize(size_t(m_spec.connections));
        m_res.latency.reserve(1 << 16);
        for (size_t i = 0; i < m_conns.size(); ++i)
            open(i);
        std::vector<epoll_event> events(1024);
        while (m_active > 0) {
            const int64_t now = nowNs();
            if (now >= deadline)
                break;
            const int timeout = int(std::min<int64_t>((deadline - now) / 1000000 + 1, 100));
            const int n = epoll_wait(m_ep, events.data(), int(events.size()), timeout);
            for (int i = 0; i < n; ++i) {
                const size_t idx = events[size_t(i)].data.u32;
                Conn &c = m_conns[idx];
                if (c.closed)
                    continue;
                const uint32_t ev = events[size_t(i)].events;
                if (c.connecting) {
                    if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
                        continue;
                    int err = 0;
                    socklen_t len = sizeof err;
                    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                    if (err != 0) {
                        fail(idx, std::string("connect: ") + std::strerror(err));
                        continue;
                    }
                    c.connecting = false;
                    send(idx);
                    continue;
                }
                if (ev & EPOLLOUT)
                    flush(idx);
                if (!c.closed && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                    readable(idx);
            }
        }
        for (auto &c : m_conns)
            if (!c.closed) {
                ++m_res.unfinished;
                ::close(c.fd);
            }
        ::close(m_ep);
    }

private:
    void setEvents(size_t idx, bool out)
    {
        Conn &c = m_conns[idx];
        if (c.wantWrite == out)
            return;
        c.wantWrite = out;
        epoll_event ev{};
        ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
        ev.data.u32 = uint32_t(idx);
        epoll_ctl(m_ep, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void open(size_t idx)
    {
        Conn &c = m_conns[idx];
        c = Conn{};
        c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            c.closed = true;
            ++m_res.failed;
            if (m_res.firstError.empty())
                m_res.firstError = std::string("socket: ") + std::strerror(errno);
            return;
        }
        int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(m_spec.port);
        ++m_active;
        c.connecting = true;
        c.wantWrite = true;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u32 = uint32_t(idx);
        epoll_ctl(m_ep, EPOLL_CTL_ADD, c.fd, &ev);
        if (connect(c.fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 && errno != EINPROGRESS)
            fail(idx, std::string("connect: ") + std::strerror(errno));
    }

    void close(size_t idx)
    {
        Conn &c = m_conns[idx];
        if (c.closed)
            return;
        epoll_ctl(m_ep, EPOLL_CTL_DEL, c.fd, nullptr);
        ::close(c.fd);
        c.closed = true;
        --m_active;
    }

    void fail(size_t idx, const std::string &why)
    {
        ++m_res.failed;
        if (m_res.firstError.empty())
            m_res.firstError = why;
        close(idx);
    }

    void send(size_t idx)
    {
        Conn &c = m_conns[idx];
        c.outOff = 0;
        c.phase = Phase::Head;
        c.gotFirstByte = false;
        c.gotFirstEvent = false;
        c.body.clear();
        c.scanPos = 0;
        c.sentAt = nowNs();
        flush(idx);
    }

    void flush(size_t idx)
    {
        Conn &c = m_conns[idx];
        const std::string &out = m_spec.request;
        while (c.outOff < out.size()) {
            const ssize_t w = ::write(c.fd, out.data() + c.outOff, out.size() - c.outOff);
            if (w > 0) {
                c.outOff += size_t(w);
                continue;
            }
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0 && errno == EAGAIN) {
                setEvents(idx, true);
                return;
            }
            fail(idx, std::string("write: ") + std::strerror(errno));
            return;
        }
        setEvents(idx, false);
    }

    void readable(size_t idx)
    {
        static char buf[65536];
        Conn &c = m_conns[idx];
        for (;;) {
            const ssize_t r = ::read(c.fd, buf, sizeof buf);
            if (r > 0) {
                const int64_t t = nowNs();
                if (c.phase != Phase::Idle && !c.gotFirstByte) {
                    c.gotFirstByte = true;
                    m_res.ttfb.push_back(t - c.sentAt);
                }
                c.in.append(buf, size_t(r));
                if (!consume(idx, t))
                    return; // closed, or finished
                if (size_t(r) < sizeof buf)
                    return; // drained; saves one EAGAIN read per event
                continue;
            }
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0 && errno == EAGAIN)
                return;
            fail(idx, r == 0 ? std::string("server closed the connection")
                             : std::string("read: ") + std::strerror(errno));
            return;
        }
    }

    void scan(Conn &c, int64_t t)
    {
        for (;;) {
            const size_t at = c.body.find("ts=", c.scanPos);
            if (at == std::string::npos) {
                c.scanPos = c.body.size() > 3 ? c.body.size() - 3 : 0;
                return;
            }
            const size_t semi = c.body.find(';', at);
            if (semi == std::string::npos) {
                c.scanPos = at;
                return;
            }
            const int64_t ts = std::strtoll(c.body.data() + at + 3, nullptr, 10);
            m_res.eventDelay.push_back(t - ts);
            if (!c.gotFirstEvent) {
                c.gotFirstEvent = true;
                m_res.firstEvent.push_back(t - c.sentAt);
            }
            c.scanPos = semi + 1;
        }
    }

    size_t takeBody(Conn &c)
    {
        const size_t take = size_t(std::min<int64_t>(c.remaining, int64_t(c.in.size() - c.inOff)));
        if (m_spec.scanTimestamps)
            c.body.append(c.in, c.inOff, take);
        c.inOff += take;
        c.remaining -= int64_t(take);
        return take;
    }

    // Parses what has arrived. Returns false if the connection was closed or is done.
    bool consume(size_t idx, int64_t t)
    {
        Conn &c = m_conns[idx];
        for (;;) {
            switch (c.phase) {
            case Phase::Idle:
                if (c.in.size() > c.inOff)
                    return failed(idx, "bytes after the response");
                c.in.clear();
                c.inOff = 0;
                return true;
            case Phase::Head: {
                const size_t end = c.in.find("\r\n\r\n", c.inOff);
                if (end == std::string::npos)
                    return true;
                std::string_view head(c.in.data() + c.inOff, end - c.inOff);
                c.status = head.size() > 12 ? std::atoi(head.data() + 9) : 0;
                bool chunked = false;
                int64_t length = 0;
                for (size_t pos = head.find('\n'); pos != std::string_view::npos;
                     pos = head.find('\n', pos + 1)) {
                    std::string_view line = head.substr(pos + 1);
                    if (iequalsPrefix(line, "content-length:"))
                        length = std::strtoll(line.data() + 15, nullptr, 10);
                    else if (iequalsPrefix(line, "transfer-encoding:") &&
                             line.substr(0, line.find('\r')).find("chunked") !=
                                 std::string_view::npos)
                        chunked = true;
                }
                c.inOff = end + 4;
                if (chunked) {
                    c.phase = Phase::ChunkSize;
                } else {
                    c.phase = Phase::Body;
                    c.remaining = length;
                }
                break;
            }
            case Phase::Body:
                takeBody(c);
                if (m_spec.scanTimestamps)
                    scan(c, t);
                if (c.remaining > 0)
                    return true;
                return complete(idx, t);
            case Phase::ChunkSize: {
                const size_t eol = c.in.find("\r\n", c.inOff);
                if (eol == std::string::npos)
                    return true;
                const int64_t size = std::strtoll(c.in.data() + c.inOff, nullptr, 16);
                c.inOff = eol + 2;
                if (size == 0) {
                    c.phase = Phase::Trailers;
                } else {
                    c.remaining = size;
                    c.phase = Phase::ChunkData;
                }
                break;
            }
            case Phase::ChunkData:
                takeBody(c);
                if (m_spec.scanTimestamps)
                    scan(c, t);
                if (c.remaining > 0)
                    return true;
                c.phase = Phase::ChunkCrlf;
                break;
            case Phase::ChunkCrlf:
                if (c.in.size() - c.inOff < 2)
                    return true;
                c.inOff += 2;
                c.phase = Phase::ChunkSize;
                break;
            case Phase::Trailers: {
                const size_t eol = c.in.find("\r\n", c.inOff);
                if (eol == std::string::npos)
                    return true;
                const bool empty = eol == c.inOff;
                c.inOff = eol + 2;
                if (empty)
                    return complete(idx, t);
                break;
            }
            }
        }
    }

    bool failed(size_t idx, const char *why)
    {
        fail(idx, why);
        return false;
    }

    bool complete(size_t idx, int64_t t)
    {
        Conn &c = m_conns[idx];
        c.phase = Phase::Idle;
        if (c.status == 200) {
            ++m_res.completed;
            m_res.latency.push_back(t - c.sentAt);
            m_res.elapsedNs = t - m_start;
        } else {
            ++m_res.failed;
            if (m_res.firstError.empty())
                m_res.firstError = "HTTP status " + std::to_string(c.status) + ": " +
                                   c.in.substr(0, std::min<size_t>(c.in.size(), 400));
        }
        ++c.done;
        if (c.inOff >= c.in.size()) {
            c.in.clear();
            c.inOff = 0;
        }
        const bool more =
            (m_spec.requestsPerConnection < 0 || c.done < m_spec.requestsPerConnection) &&
            t < m_sendEnd;
        if (!more) {
            close(idx);
            return false;
        }
        send(idx);
        return !c.closed;
    }

    const LoadSpec &m_spec;
    LoadResult &m_res;
    std::vector<Conn> m_conns;
    int m_ep = -1;
    int m_active = 0;
    int64_t m_start = 0;
    int64_t m_sendEnd = 0;
};

} // namespace

LoadResult runLoad(const LoadSpec &spec)
{
    LoadResult res;
    Runner(spec, res).run();
    return res;
}

std::string chatRequest(uint16_t port, bool stream, int eventIntervalMs, int events)
{
    // A realistic ~2 KB body: a system prompt and a user turn. The markers only matter to the
    // fake upstream; the proxy forwards the messages untouched.
    std::string body = R"({"model":"qwen3-coder-plus","stream":)";
    body += stream ? "true" : "false";
    body +=
        R"(,"max_tokens":256,"messages":[{"role":"system","content":"You are a helpful coding assistant. )";
    std::string filler;
    const std::string lorem = "Answer precisely and keep code idiomatic. ";
    while (filler.size() < 1500)
        filler += lorem;
    body += filler;
    body += R"("},{"role":"user","content":"bench_ms=)" + std::to_string(eventIntervalMs) +
            " bench_n=" + std::to_string(events) + R"( Please write a function that )";
    while (body.size() < 2040)
        body += 'x';
    body += R"("}]})";
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
           "\r\nContent-Type: application/json\r\nAuthorization: Bearer bench\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string messagesRequest(uint16_t port, bool stream, int eventIntervalMs, int events)
{
    // As chatRequest, in Anthropic's shape: a top-level system prompt and one user turn, with a
    // Claude model name the proxy maps to the upstream's model as it does for Claude Code.
    std::string body = R"({"model":"claude-sonnet-4-5","stream":)";
    body += stream ? "true" : "false";
    body += R"(,"max_tokens":256,"system":"You are a helpful coding assistant. )";
    std::string filler;
    const std::string lorem = "Answer precisely and keep code idiomatic. ";
    while (filler.size() < 1500)
        filler += lorem;
    body += filler;
    body += R"(","messages":[{"role":"user","content":"bench_ms=)" +
            std::to_string(eventIntervalMs) + " bench_n=" + std::to_string(events) +
            R"( Please write a function that )";
    while (body.size() < 2040)
        body += 'x';
    body += R"("}]})";
    return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
           "\r\nContent-Type: application/json\r\nx-api-key: bench\r\n"
           "anthropic-version: 2023-06-01\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

} // namespace bench
