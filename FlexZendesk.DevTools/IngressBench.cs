using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Storage;
using FlexZendesk.Sandbox;
using Microsoft.Extensions.Options;

namespace FlexZendesk.DevTools;

/// <summary>
/// The ingress benchmark (scripts/bench-ingress): signed TaskRouter callbacks to the running app at several
/// concurrencies, against the floor: the same envelopes sent by this process straight to the queue with
/// <c>QueueClient.SendMessageAsync</c> (the app's own client settings). Prints req/s, p50/p99 and the ratios.
/// </summary>
internal static class IngressBench
{
    private const string Path = "/api/taskrouter/events";
    private const int Rounds = 2;

    public static async Task<int> RunAsync(DevSettings settings, int requests, IReadOnlyList<int> concurrencies, bool header)
    {
        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        var signer = new TwilioWebhookSigner(settings.AuthToken);
        var callbacks = Enumerable.Range(0, requests).Select(i => Sign(settings, workspace, signer, i)).ToArray();
        var clients = new StorageClients(Options.Create(new StorageOptions { ConnectionString = settings.Storage }));
        var queue = clients.Queues.GetQueueClient(settings.Queue);
        await queue.CreateIfNotExistsAsync();

        // Empties the queue after every run, so no run starts on a deep queue; with its own client, as clearing
        // thousands of messages can take longer than the app's 2.5 s storage timeout.
        var admin = new Azure.Storage.Queues.QueueClient(settings.Storage, settings.Queue);
        async Task Empty() => await admin.ClearMessagesAsync();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(settings.AppUrl),
        };

        // Floor: what the app does after validation (build the envelope, serialize, send), minus HTTP and validation.
        async Task<bool> Floor(Callback c)
        {
            var envelope = EnvelopeFactory.Create(EventSources.TaskRouter, c.Fields, c.Body, DateTimeOffset.UtcNow, null);
            await queue.SendMessageAsync(BinaryData.FromBytes(EnvelopeJson.Serialize(envelope)));
            return true;
        }

        async Task<bool> App(Callback c)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(c.BodyBytes) };
            request.Content.Headers.ContentType = FormType;
            request.Headers.Add("X-Twilio-Signature", c.Signature);
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.NoContent;
        }

        // Warm both paths (JIT tiering, connection pools, the queue) before measuring.
        var warmup = callbacks.Take(Math.Min(1000, requests)).ToArray();
        await Measure(warmup, 8, Floor);
        await Empty();
        await Measure(warmup, 8, App);
        await Empty();

        if (header)
        {
            Console.WriteLine($"""
            ingress: {requests} signed TaskRouter callbacks per run ({callbacks[0].BodyBytes.Length} bytes each), app {settings.AppUrl}; best of {Rounds} interleaved rounds per side

            | concurrency | floor req/s | floor p50 ms | floor p99 ms | app req/s | app p50 ms | app p99 ms | floor/app req/s | app/floor p99 | failed floor/app | floor CPU µs/req | app CPU µs/req |
            |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
            """);
        }

        var failed = 0;
        foreach (var concurrency in concurrencies)
        {
            Result? floor = null, app = null;
            for (var round = 0; round < Rounds; round++)
            {
                var ownBefore = Environment.CpuUsage.TotalTime;
                var f = await Measure(callbacks, concurrency, Floor);
                f = f with { CpuMicros = (Environment.CpuUsage.TotalTime - ownBefore).TotalMilliseconds * 1000 / requests };
                await Empty();
                var appBefore = AppCpu();
                var a = await Measure(callbacks, concurrency, App);
                a = a with { CpuMicros = (AppCpu() - appBefore) * 1000 / requests };
                await Empty();
                failed += f.Failures + a.Failures;
                floor = floor is null || f.Rate > floor.Rate ? f : floor;
                app = app is null || a.Rate > app.Rate ? a : app;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {concurrency} | {floor!.Rate:F0} | {floor.P50:F2} | {floor.P99:F2} | {app!.Rate:F0} | {app.P50:F2} | {app.P99:F2} | {floor.Rate / app.Rate:F2} | {app.P99 / floor.P99:F2} | {floor.Failures}/{app.Failures} | {floor.CpuMicros:F0} | {(app.CpuMicros > 0 ? app.CpuMicros.ToString("F0", CultureInfo.InvariantCulture) : "n/a")} |"));
        }

        return failed == 0 ? 0 : 1;
    }

    private static readonly MediaTypeHeaderValue FormType = new("application/x-www-form-urlencoded");

    internal sealed record Callback(List<KeyValuePair<string, string>> Fields, string Body, byte[] BodyBytes, string Signature);

    internal sealed record Result(double Rate, double P50, double P99, int Failures, double CpuMicros = 0);

    /// <param name="eventType">reservation.accepted (enqueued); scripts/bench-wrk also sends one the app filters out, answered without storage.</param>
    internal static Callback Sign(DevSettings settings, string workspace, TwilioWebhookSigner signer, int i, string eventType = "reservation.accepted")
    {
        var taskSid = "WT" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = DateTimeOffset.UtcNow;
        List<KeyValuePair<string, string>> fields =
        [
            new("EventType", eventType),
            new("AccountSid", settings.AccountSid),
            new("WorkspaceSid", workspace),
            new("EventDescription", "Reservation accepted by worker"),
            new("ResourceType", "reservation"),
            new("ResourceSid", "WR" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            new("Sid", "EV" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            new("Timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("TimestampMs", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            new("TaskSid", taskSid),
            new("TaskAttributes", $$"""{"from":"+1415555{{(i % 10000).ToString("D4", CultureInfo.InvariantCulture)}}","channelType":"voice","call_sid":"CA{{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}}","zd_ticket_id":"","zdCustomTags":"[vip billing]","conversation_id":"{{taskSid}}"}"""),
            new("TaskAge", "12"),
            new("TaskPriority", "0"),
            new("TaskAssignmentStatus", "assigned"),
            new("TaskChannelUniqueName", "voice"),
            new("TaskQueueName", "Everyone"),
            new("TaskQueueSid", "WQ" + new string('0', 32)),
            new("WorkerName", "Alice"),
            new("WorkerSid", "WK" + new string('0', 32)),
            new("WorkerAttributes", """{"full_name":"Alice Agent","email":"alice@example.test","routing":{"skills":["voice","billing"]}}"""),
        ];
        var body = new FormUrlEncodedContent(fields).ReadAsStringAsync().GetAwaiter().GetResult();
        var signature = signer.Sign(settings.PublicBaseUrl.TrimEnd('/') + Path, fields);
        return new(fields, body, Encoding.UTF8.GetBytes(body), signature);
    }

    /// <summary>Sends every callback with <paramref name="concurrency"/> in flight; latency per call, rate over the wall time.</summary>
    internal static async Task<Result> Measure(Callback[] callbacks, int concurrency, Func<Callback, Task<bool>> send)
    {
        var latencies = new double[callbacks.Length];
        var failures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < callbacks.Length)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await send(callbacks[i]);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or AggregateException or Azure.RequestFailedException)
                {
                    ok = false;
                }

                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new(callbacks.Length / elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99), failures);
    }

    /// <summary>CPU milliseconds the app process has used (user + system), from /proc; 0 when unknown.</summary>
    private static double AppCpu()
    {
        var pid = Environment.GetEnvironmentVariable("FLEXZENDESK_APP_PID");
        var stat = $"/proc/{pid}/stat";
        if (string.IsNullOrEmpty(pid) || !File.Exists(stat))
        {
            return 0;
        }

        // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
        var fields = File.ReadAllText(stat).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
