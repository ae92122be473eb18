// qp-bench: what a hop through `qwen-proxy serve` costs, measured side by side with talking to the
// upstream directly, in one run. It forks a fast fake upstream (fakeupstream.cpp), starts the
// proxy as a child pointed at it, drives both with its own epoll load generator (loadclient.cpp)
// and prints a Markdown table for the README. The methodology follows
// /work/shared/reference/bench-anchors.md: load generator pinned to one core, everything under
// test on the other, 2 KB JSON POSTs, a 588-byte completion, 20-event SSE bodies.
//
// Usage: qp-bench [--proxy PATH] [--streams N] [--no-pin] [--quick] [--upstream-only]
//                 [--soak SECONDS [--sse]]

#include "benchutil.h"
#include "fakeupstream.h"
#include "loadclient.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sched.h>
#include <sstream>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace bench;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kMs = 1000000;
constexpr int64_t kSec = 1000000000;

struct Options {
    std::string proxy;
    int streams = 1000;
    bool pin = true;
    bool quick = false;
    bool upstreamOnly = false; // just serve the fake upstream (for curl, wrk or a profiler)
    int soakSeconds = 0;       // only load the proxy at 50 connections this long (for a profiler)
    bool soakSse = false;      // ... with the fixed-body SSE request instead of the non-stream one
    std::string commandLine;
};

[[noreturn]] void die(const std::string &msg)
{
    std::fprintf(stderr, "qp-bench: %s\n", msg.c_str());
    std::exit(1);
}

std::string defaultProxyPath()
{
    // qp-bench lives in <build>/tests/bench, the proxy in <build>/src/cli.
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return "qwen-proxy";
    return (self.parent_path() / "../../src/cli/qwen-proxy").lexically_normal().string();
}

Options parseOptions(int argc, char **argv)
{
    Options o;
    o.proxy = defaultProxyPath();
    for (int i = 0; i < argc; ++i)
        o.commandLine.append(i ? " " : "").append(argv[i]);
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--proxy" && i + 1 < argc)
            o.proxy = argv[++i];
        else if (a == "--streams" && i + 1 < argc)
            o.streams = std::max(1, std::atoi(argv[++i]));
        else if (a == "--no-pin")
            o.pin = false;
        else if (a == "--quick")
            o.quick = true;
        else if (a == "--upstream-only")
            o.upstreamOnly = true;
        else if (a == "--soak" && i + 1 < argc)
            o.soakSeconds = std::max(1, std::atoi(argv[++i]));
        else if (a == "--sse")
            o.soakSse = true;
        else
            die("usage: qp-bench [--proxy PATH] [--streams N] [--no-pin] [--quick] "
                "[--upstream-only] [--soak SECONDS [--sse]]");
    }
    return o;
}

void pinTo(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

// 1000 client sockets plus 1000 proxy->upstream sockets on each side; the children inherit it.
void raiseFileLimit(int needed)
{
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur >= rlim_t(needed))
        return;
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, rlim_t(std::max(needed, 65536)));
    if (rl.rlim_max < rlim_t(needed)) {
        rlimit want = {rlim_t(needed), rlim_t(needed)};
        if (setrlimit(RLIMIT_NOFILE, &want) == 0)
            return;
    }
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < rlim_t(needed))
        std::fprintf(stderr, "qp-bench: warning: RLIMIT_NOFILE is %llu, %d streams need ~%d\n",
                     static_cast<unsigned long long>(rl.rlim_cur), needed / 4, needed);
}

long procStatusKb(pid_t pid, const char *field)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    const size_t n = std::strlen(field);
    while (std::getline(f, line))
        if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
            return std::atol(line.c_str() + n + 1);
    return -1;
}

// User plus system CPU time the process has used so far.
double cpuSeconds(pid_t pid)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const size_t close = stat.rfind(')'); // the command name may contain spaces
    if (close == std::string::npos)
        return 0;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) { // fields 14 and 15 (1-based)
        if (i == 14)
            utime = std::atoll(field.c_str());
        if (i == 15)
            stime = std::atoll(field.c_str());
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// Resets VmHWM so the next reading is the peak of the next phase only.
void resetPeak(pid_t pid)
{
    std::ofstream f("/proc/" + std::to_string(pid) + "/clear_refs");
    f << "5";
}

struct Proxy {
    pid_t pid = -1;
    uint16_t port = 0;
    std::string errFile;
};

Proxy startProxy(const Options &o, const fs::path &tmp, uint16_t upstreamPort, int cpu)
{
    Proxy p;
    const fs::path home = tmp / "home", data = tmp / "data", qwen = tmp / "qwen";
    fs::create_directories(home);
    fs::create_directories(data);
    fs::create_directories(qwen);
    const std::string out = (tmp / "proxy.out").string();
    p.errFile = (tmp / "proxy.err").string();
    p.pid = fork();
    if (p.pid < 0)
        die("fork failed");
    if (p.pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (cpu >= 0)
            pinTo(cpu);
        std::freopen("/dev/null", "r", stdin);
        std::freopen(out.c_str(), "w", stdout);
        std::freopen(p.errFile.c_str(), "w", stderr);
        const std::string base = "http://127.0.0.1:" + std::to_string(upstreamPort) + "/v1";
        setenv("OPENAI_BASE_URL", base.c_str(), 1);
        setenv("OPENAI_API_KEY", "k", 1);
        setenv("LOG_LEVEL", "error", 1); // the per-request console line would be measured too
        setenv("HOME", home.c_str(), 1);
        setenv("QWEN_HOME", qwen.c_str(), 1);
        setenv("XDG_CONFIG_HOME", (home / ".config").c_str(), 1);
        setenv("XDG_DATA_HOME", (home / ".local/share").c_str(), 1);
        unsetenv("HTTP_PROXY");
        unsetenv("http_proxy");
        unsetenv("ALL_PROXY");
        unsetenv("all_proxy");
        const std::string dataDir = data.string();
        execl(o.proxy.c_str(), "qwen-proxy", "serve", "--port", "0", "--data-dir", dataDir.c_str(),
              static_cast<char *>(nullptr));
        std::fprintf(stderr, "exec %s: %s\n", o.proxy.c_str(), std::strerror(errno));
        _exit(127);
    }
    // The start-up line: "... OpenAI base URL http://127.0.0.1:PORT/v1 ...".
    const int64_t deadline = nowNs() + 20 * kSec;
    while (nowNs() < deadline) {
        std::ifstream f(out);
        std::string line;
        if (std::getline(f, line) && line.find("listening") != std::string::npos) {
            const size_t at = line.find("http://127.0.0.1:");
            if (at != std::string::npos) {
                p.port = uint16_t(std::atoi(line.c_str() + at + 17));
                return p;
            }
        }
        int status = 0;
        if (waitpid(p.pid, &status, WNOHANG) == p.pid) {
            std::ifstream e(p.errFile);
            std::stringstream ss;
            ss << e.rdbuf();
            die("the proxy exited during start-up:\n" + ss.str());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(p.pid, SIGKILL);
    die("the proxy printed no listening line within 20 s");
}

void stopChild(pid_t pid, int sig)
{
    if (pid <= 0)
        return;
    kill(pid, sig);
    for (int i = 0; i < 100; ++i) { // at most 2 s, then force
        if (waitpid(pid, nullptr, WNOHANG) == pid)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

// ---- measurements -------------------------------------------------------------------------

struct Target {
    const char *name;
    uint16_t port;
};

LoadResult sequential(uint16_t port, const std::string &req, int count, bool scan)
{
    LoadSpec s;
    s.port = port;
    s.request = req;
    s.connections = 1;
    s.requestsPerConnection = count;
    s.deadlineNs = 30 * kSec;
    s.scanTimestamps = scan;
    return runLoad(s);
}

LoadResult concurrent(uint16_t port, const std::string &req, int conns, int64_t durationNs)
{
    LoadSpec s;
    s.port = port;
    s.request = req;
    s.connections = conns;
    s.durationNs = durationNs;
    s.deadlineNs = durationNs + 10 * kSec;
    return runLoad(s);
}

LoadResult streamsAtOnce(uint16_t port, const std::string &req, int streams)
{
    LoadSpec s;
    s.port = port;
    s.request = req;
    s.connections = streams;
    s.requestsPerConnection = 1;
    s.deadlineNs = 60 * kSec;
    s.scanTimestamps = true;
    return runLoad(s);
}

void append(LoadResult &into, const LoadResult &r)
{
    into.completed += r.completed;
    into.failed += r.failed;
    into.unfinished += r.unfinished;
    into.elapsedNs += r.elapsedNs;
    into.latency.insert(into.latency.end(), r.latency.begin(), r.latency.end());
    into.ttfb.insert(into.ttfb.end(), r.ttfb.begin(), r.ttfb.end());
    into.firstEvent.insert(into.firstEvent.end(), r.firstEvent.begin(), r.firstEvent.end());
    into.eventDelay.insert(into.eventDelay.end(), r.eventDelay.begin(), r.eventDelay.end());
    if (into.firstError.empty())
        into.firstError = r.firstError;
}

void checkClean(const char *what, const char *who, const LoadResult &r)
{
    if (r.failed || r.unfinished)
        std::fprintf(stderr, "  warning: %s %s: %lld failed, %lld unfinished (%s)\n", what, who,
                     static_cast<long long>(r.failed), static_cast<long long>(r.unfinished),
                     r.firstError.c_str());
}

// ---- formatting ---------------------------------------------------------------------------

std::string us(int64_t ns)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.0f µs", double(ns) / 1e3);
    return b;
}
std::string ms(int64_t ns)
{
    char b[32];
    std::snprintf(b, sizeof b, ns < 10 * kMs ? "%.2f ms" : "%.1f ms", double(ns) / 1e6);
    return b;
}
std::string pair(int64_t a, int64_t b, bool inMs = false)
{
    char buf[64];
    if (inMs)
        std::snprintf(buf, sizeof buf, "%.2f / %.2f ms", double(a) / 1e6, double(b) / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.0f / %.0f µs", double(a) / 1e3, double(b) / 1e3);
    return buf;
}
std::string signedUs(int64_t ns)
{
    char b[32];
    std::snprintf(b, sizeof b, "%+.0f µs", double(ns) / 1e3);
    return b;
}
std::string signedMs(int64_t ns)
{
    char b[32];
    std::snprintf(b, sizeof b, "%+.2f ms", double(ns) / 1e6);
    return b;
}
std::string num(double v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.0f", v);
    std::string s = b, out;
    for (size_t i = 0; i < s.size(); ++i) { // thousands separators, as in bench-anchors.md
        if (i && (s.size() - i) % 3 == 0)
            out += ',';
        out += s[i];
    }
    return out;
}
std::string mb(long kb)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.1f MB", double(kb) / 1024.0);
    return b;
}
std::string completion(const LoadResult &r, int n)
{
    const bool all = r.completed == n && r.failed == 0 && r.unfinished == 0;
    return std::string(all ? "yes"
                           : "NO (" + std::to_string(r.completed) + "/" + std::to_string(n) + ")") +
           " / " + ms(r.elapsedNs);
}
const char *verdict(bool ok)
{
    return ok ? "met" : "**missed**";
}

} // namespace

int main(int argc, char **argv)
{
    const Options opt = parseOptions(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    raiseFileLimit(4 * opt.streams + 256);
    if (access(opt.proxy.c_str(), X_OK) != 0)
        die("no proxy executable at " + opt.proxy +
            " (build the qwen-proxy target or pass --proxy)");

    // Other work on the machine shows up as latency here; say how busy it was.
    double loadBefore = -1;
    if (getloadavg(&loadBefore, 1) == 1 && loadBefore > 0.5 * double(sysconf(_SC_NPROCESSORS_ONLN)))
        std::fprintf(stderr, "qp-bench: warning: load average %.2f; the figures will be noisy\n",
                     loadBefore);
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const bool pin = opt.pin && cpus >= 2;
    const int underTestCpu = pin ? int(cpus - 1) : -1;

    char tmpl[] = "/tmp/qp-bench-XXXXXX";
    if (!mkdtemp(tmpl))
        die("mkdtemp failed");
    const fs::path tmp = tmpl;

    uint16_t upstreamPort = 0;
    const int lfd = makeListenSocket(&upstreamPort);
    if (lfd < 0)
        die("cannot listen on 127.0.0.1");
    if (opt.upstreamOnly) {
        std::printf("fake upstream: OPENAI_BASE_URL=http://127.0.0.1:%u/v1\n", upstreamPort);
        std::fflush(stdout);
        runFakeUpstream(lfd);
    }
    const pid_t upstreamPid = fork();
    if (upstreamPid < 0)
        die("fork failed");
    if (upstreamPid == 0) {
        if (underTestCpu >= 0)
            pinTo(underTestCpu);
        runFakeUpstream(lfd);
    }
    close(lfd);

    const Proxy proxy = startProxy(opt, tmp, upstreamPort, underTestCpu);
    if (pin)
        pinTo(0);
    // Idle: after start-up has settled, before the first request.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long idleRss = procStatusKb(proxy.pid, "VmRSS");
    long peakRss = 0;
    auto phasePeak = [&] {
        const long hwm = procStatusKb(proxy.pid, "VmHWM");
        peakRss = std::max(peakRss, hwm);
        resetPeak(proxy.pid);
        return hwm;
    };

    const Target direct{"direct", upstreamPort}, viaProxy{"proxy", proxy.port};
    const Target both[] = {direct, viaProxy};
    const int scale = opt.quick ? 4 : 1;

    std::fprintf(
        stderr, "qp-bench: upstream 127.0.0.1:%u (pid %d), proxy 127.0.0.1:%u (pid %d), %s\n",
        upstreamPort, upstreamPid, proxy.port, proxy.pid,
        pin ? "load generator on CPU 0, upstream and proxy on the last CPU" : "no pinning");

    // Sanity: one request of each kind through each path.
    for (const Target &t : both) {
        for (bool stream : {false, true}) {
            LoadResult r = sequential(t.port, chatRequest(t.port, stream, 0, 20), 1, stream);
            if (r.completed != 1 || (stream && r.eventDelay.size() != 20))
                die(std::string("sanity request (") + (stream ? "stream" : "non-stream") + ") to " +
                    t.name + " failed: " + r.firstError +
                    " events=" + std::to_string(r.eventDelay.size()));
        }
    }

    if (opt.soakSeconds > 0) { // profiling aid: attach perf to the proxy pid printed above
        const double cpu0 = cpuSeconds(proxy.pid);
        const LoadResult r = concurrent(proxy.port, chatRequest(proxy.port, opt.soakSse, 0, 20), 50,
                                        int64_t(opt.soakSeconds) * kSec);
        const double cpu = cpuSeconds(proxy.pid) - cpu0;
        std::printf("soak: %.0f req/s through the proxy, proxy CPU %.1f µs per request, %s\n",
                    r.requestsPerSecond(), r.completed ? cpu * 1e6 / double(r.completed) : 0.0,
                    r.firstError.empty() ? "no errors" : r.firstError.c_str());
        stopChild(proxy.pid, SIGTERM);
        stopChild(upstreamPid, SIGKILL);
        std::error_code ec;
        fs::remove_all(tmp, ec);
        return 0;
    }

    // 1. Non-stream, one connection, sequential: latency floor and what the hop adds.
    std::fprintf(stderr, "qp-bench: non-stream, 1 connection\n");
    LoadResult seq[2];
    for (const Target &t : both)
        sequential(t.port, chatRequest(t.port, false, 0, 20), 300 / scale, false); // warm-up
    for (int round = 0; round < 3; ++round)
        for (int i = 0; i < 2; ++i) {
            const LoadResult r = sequential(both[i].port, chatRequest(both[i].port, false, 0, 20),
                                            1500 / scale, false);
            checkClean("non-stream 1 conn", both[i].name, r);
            append(seq[i], r);
        }

    // 2. Throughput at 50 connections, non-stream and fixed-body SSE: median of 3 rounds.
    std::fprintf(stderr, "qp-bench: 50 connections\n");
    const int64_t runNs = opt.quick ? kSec / 2 : 2 * kSec;
    std::vector<int64_t> rps[2], sseRps[2];
    LoadResult c50[2];
    for (int round = 0; round < 3; ++round)
        for (int i = 0; i < 2; ++i) {
            LoadResult r =
                concurrent(both[i].port, chatRequest(both[i].port, false, 0, 20), 50, runNs);
            checkClean("non-stream 50 conns", both[i].name, r);
            rps[i].push_back(int64_t(r.requestsPerSecond()));
            append(c50[i], r);
            r = concurrent(both[i].port, chatRequest(both[i].port, true, 0, 20), 50, runNs);
            checkClean("SSE 50 conns", both[i].name, r);
            sseRps[i].push_back(int64_t(r.requestsPerSecond()));
        }
    const long peakLoad = phasePeak();

    // 3. Streams one at a time, events 10 ms apart: time to first byte and per-event delay.
    std::fprintf(stderr, "qp-bench: streams, 1 connection, events 10 ms apart\n");
    LoadResult slow[2];
    for (int round = 0; round < 3; ++round)
        for (int i = 0; i < 2; ++i) {
            const LoadResult r = sequential(both[i].port, chatRequest(both[i].port, true, 10, 20),
                                            10 / scale + 1, true);
            checkClean("stream 1 conn", both[i].name, r);
            append(slow[i], r);
        }

    // 4. Many concurrent slow streams (20 events 10 ms apart): 200 as in the anchors, then N.
    LoadResult many200[2], manyN[2];
    long peak200 = 0, peakN = 0;
    for (int i = 0; i < 2; ++i) {
        std::fprintf(stderr, "qp-bench: 200 concurrent streams, %s\n", both[i].name);
        phasePeak();
        many200[i] = streamsAtOnce(both[i].port, chatRequest(both[i].port, true, 10, 20), 200);
        checkClean("200 streams", both[i].name, many200[i]);
        if (i == 1)
            peak200 = phasePeak();
    }
    for (int i = 0; i < 2; ++i) {
        std::fprintf(stderr, "qp-bench: %d concurrent streams, %s\n", opt.streams, both[i].name);
        phasePeak();
        manyN[i] =
            streamsAtOnce(both[i].port, chatRequest(both[i].port, true, 10, 20), opt.streams);
        checkClean("N streams", both[i].name, manyN[i]);
        if (i == 1)
            peakN = phasePeak();
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const long afterRss = procStatusKb(proxy.pid, "VmRSS");
    const long afterThreads = procStatusKb(proxy.pid, "Threads");

    stopChild(proxy.pid, SIGTERM);
    stopChild(upstreamPid, SIGKILL);
    std::error_code ec;
    fs::remove_all(tmp, ec);

    // ---- report ---------------------------------------------------------------------------
    auto p = [](const std::vector<int64_t> &v, double q) { return percentile(v, q); };
    const int64_t added50 = p(seq[1].latency, .5) - p(seq[0].latency, .5);
    const int64_t added99 = p(seq[1].latency, .99) - p(seq[0].latency, .99);
    const double rD = double(median(rps[0])), rP = double(median(rps[1]));
    const double sD = double(median(sseRps[0])), sP = double(median(sseRps[1]));
    const int64_t ttfbAdd = p(slow[1].ttfb, .5) - p(slow[0].ttfb, .5);
    const int64_t ev50 = p(slow[1].eventDelay, .5) - p(slow[0].eventDelay, .5);
    const int64_t ev99 = p(slow[1].eventDelay, .99) - p(slow[0].eventDelay, .99);
    const bool allN =
        manyN[1].completed == opt.streams && manyN[1].failed == 0 && manyN[1].unfinished == 0;

    std::printf("\n| | direct to upstream | through qwen-proxy | cost of the hop | target |\n");
    std::printf("|---|---|---|---|---|\n");
    std::printf(
        "| non-stream, 1 connection: p50 / p99 | %s | %s | %s / %s | added p50 ≤ 300 µs: %s |\n",
        pair(p(seq[0].latency, .5), p(seq[0].latency, .99)).c_str(),
        pair(p(seq[1].latency, .5), p(seq[1].latency, .99)).c_str(), signedUs(added50).c_str(),
        signedUs(added99).c_str(), verdict(added50 <= 300000));
    std::printf("| non-stream, 50 connections: req/s (median of 3) | %s | %s | %.0f %% of direct | "
                "≥ 50 %%: %s |\n",
                num(rD).c_str(), num(rP).c_str(), rD > 0 ? 100.0 * rP / rD : 0.0,
                verdict(rD > 0 && rP >= 0.5 * rD));
    std::printf("| non-stream, 50 connections: p50 / p99 | %s | %s | %s | |\n",
                pair(p(c50[0].latency, .5), p(c50[0].latency, .99), true).c_str(),
                pair(p(c50[1].latency, .5), p(c50[1].latency, .99), true).c_str(),
                signedMs(p(c50[1].latency, .5) - p(c50[0].latency, .5)).c_str());
    std::printf(
        "| SSE (20 events at once), 50 connections: req/s | %s | %s | %.0f %% of direct | |\n",
        num(sD).c_str(), num(sP).c_str(), sD > 0 ? 100.0 * sP / sD : 0.0);
    std::printf("| stream, 1 connection: time to first byte p50 | %s | %s | %s | |\n",
                us(p(slow[0].ttfb, .5)).c_str(), us(p(slow[1].ttfb, .5)).c_str(),
                signedUs(ttfbAdd).c_str());
    std::printf("| stream, 1 connection: first event p50 | %s | %s | %s | |\n",
                us(p(slow[0].firstEvent, .5)).c_str(), us(p(slow[1].firstEvent, .5)).c_str(),
                signedUs(p(slow[1].firstEvent, .5) - p(slow[0].firstEvent, .5)).c_str());
    std::printf("| stream, events 10 ms apart: delay per event p50 / p99 (%zu events) | %s | %s | "
                "%s / %s | added p99 ≤ 1 ms: %s |\n",
                slow[1].eventDelay.size(),
                pair(p(slow[0].eventDelay, .5), p(slow[0].eventDelay, .99)).c_str(),
                pair(p(slow[1].eventDelay, .5), p(slow[1].eventDelay, .99)).c_str(),
                signedUs(ev50).c_str(), signedUs(ev99).c_str(), verdict(ev99 <= 1000000));
    std::printf("| 200 concurrent slow streams: all complete / total time | %s | %s | %s | |\n",
                completion(many200[0], 200).c_str(), completion(many200[1], 200).c_str(),
                signedMs(many200[1].elapsedNs - many200[0].elapsedNs).c_str());
    std::printf("| 200 slow streams: first event p50 | %s | %s | %s | |\n",
                ms(p(many200[0].firstEvent, .5)).c_str(), ms(p(many200[1].firstEvent, .5)).c_str(),
                signedMs(p(many200[1].firstEvent, .5) - p(many200[0].firstEvent, .5)).c_str());
    std::printf("| 200 slow streams: delay per event p50 / p99 | %s | %s | %s / %s | |\n",
                pair(p(many200[0].eventDelay, .5), p(many200[0].eventDelay, .99), true).c_str(),
                pair(p(many200[1].eventDelay, .5), p(many200[1].eventDelay, .99), true).c_str(),
                signedMs(p(many200[1].eventDelay, .5) - p(many200[0].eventDelay, .5)).c_str(),
                signedMs(p(many200[1].eventDelay, .99) - p(many200[0].eventDelay, .99)).c_str());
    std::printf("| %d concurrent slow streams: all complete / total time | %s | %s | %s | all "
                "complete: %s |\n",
                opt.streams, completion(manyN[0], opt.streams).c_str(),
                completion(manyN[1], opt.streams).c_str(),
                signedMs(manyN[1].elapsedNs - manyN[0].elapsedNs).c_str(), verdict(allN));
    std::printf("| %d slow streams: first event p50 | %s | %s | %s | |\n", opt.streams,
                ms(p(manyN[0].firstEvent, .5)).c_str(), ms(p(manyN[1].firstEvent, .5)).c_str(),
                signedMs(p(manyN[1].firstEvent, .5) - p(manyN[0].firstEvent, .5)).c_str());
    std::printf("| %d slow streams: delay per event p50 / p99 | %s | %s | %s / %s | |\n",
                opt.streams,
                pair(p(manyN[0].eventDelay, .5), p(manyN[0].eventDelay, .99), true).c_str(),
                pair(p(manyN[1].eventDelay, .5), p(manyN[1].eventDelay, .99), true).c_str(),
                signedMs(p(manyN[1].eventDelay, .5) - p(manyN[0].eventDelay, .5)).c_str(),
                signedMs(p(manyN[1].eventDelay, .99) - p(manyN[0].eventDelay, .99)).c_str());
    std::printf("| proxy RSS: idle at start-up / after the run (threads then) | — | %s / %s (%ld "
                "threads) | | "
                "idle ≤ 30 MB: %s |\n",
                mb(idleRss).c_str(), mb(afterRss).c_str(), afterThreads,
                verdict(idleRss > 0 && idleRss <= 30 * 1024));
    std::printf("| proxy peak RSS: 50-connection runs / 200 streams / %d streams | — | %s / %s / "
                "%s | | %d streams ≤ 150 MB: %s |\n",
                opt.streams, mb(peakLoad).c_str(), mb(peak200).c_str(), mb(peakN).c_str(),
                opt.streams, verdict(peakN > 0 && peakN <= 150 * 1024));
    std::printf("\nCommand: `%s`%s; load average before the run %.2f.\n", opt.commandLine.c_str(),
                pin ? " (load generator pinned to CPU 0, fake upstream and proxy to the last CPU)"
                    : "",
                loadBefore);
    std::printf(
        "Upstream: fake, epoll, %d-byte completion or 20 SSE events; requests: 2 KB JSON POST.\n",
        completionBodySize());
    return 0;
}
