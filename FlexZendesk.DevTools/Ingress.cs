using System.Collections.Concurrent;
using System.Net;

namespace FlexZendesk.DevTools;

/// <summary>
/// Sends callbacks to the app's instances in turn, as Azure's front end spreads them. When an instance does not
/// answer (killed by the crash soak), the callback goes to the next one, as Twilio's retry would reach a live
/// instance; the instances' URLs are read again from scripts/run's <c>.tools/instances/</c>, where a restarted
/// instance writes its new one.
/// </summary>
internal sealed class Ingress : IDisposable
{
    private readonly DevSettings _settings;
    private readonly string? _directory = Environment.GetEnvironmentVariable("FLEXZENDESK_INSTANCES_DIR");
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new();
    private string[] _urls;
    private int _next;
    private int _failovers;

    public Ingress(DevSettings settings)
    {
        _settings = settings;
        _urls = (Environment.GetEnvironmentVariable("FLEXZENDESK_APP_URLS") ?? settings.AppUrl).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Instances = _urls.Length;
    }

    /// <summary>Callbacks that found their instance gone and were sent again to another.</summary>
    public int Failovers => Volatile.Read(ref _failovers);

    /// <summary>How many instances scripts/run started.</summary>
    public int Instances { get; }

    public async Task<HttpStatusCode> SendAsync(string workspace, Lifecycles.Delivery delivery, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var urls = Volatile.Read(ref _urls);
            var url = urls[(int)((uint)Interlocked.Increment(ref _next) % urls.Length)];
            try
            {
                return await Lifecycles.SendAsync(Client(url), _settings, workspace, delivery, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                Interlocked.Increment(ref _failovers);
                Refresh();
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    private HttpClient Client(string url) => _clients.GetOrAdd(url, u => new HttpClient { BaseAddress = new Uri(u), Timeout = TimeSpan.FromSeconds(30) });

    private void Refresh()
    {
        if (_directory is null || !Directory.Exists(_directory))
        {
            return;
        }

        // A restarting instance's file is removed between the listing and the read: that instance is skipped until
        // it listens again (scripts/run writes the new file whole, then renames it into place).
        var urls = Directory.GetFiles(_directory, "*.url").Order(StringComparer.Ordinal)
            .Select(ReadOrEmpty).Where(u => u.Length > 0).ToArray();
        if (urls.Length > 0)
        {
            Volatile.Write(ref _urls, urls);
        }
    }

    private static string ReadOrEmpty(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }
}
