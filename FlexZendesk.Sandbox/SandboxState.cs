using System.Security.Cryptography;
using System.Text;

namespace FlexZendesk.Sandbox;

/// <summary>All sandbox data behind one lock: correctness over throughput, it is a test double of remote APIs.</summary>
public sealed class SandboxState(TimeProvider clock)
{
    private long _nextId = 1000;

    public object Gate { get; } = new();
    public Dictionary<long, ZdUser> Users { get; } = [];
    public Dictionary<long, ZdTicket> Tickets { get; } = [];
    public Dictionary<string, (string BodyHash, int Status, object Response)> IdempotencyKeys { get; } = [];
    public Dictionary<string, TwTask> Tasks { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, string>> Workspaces { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<TwMessage>> Conversations { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<TwRecording>> Recordings { get; } = new(StringComparer.Ordinal);
    public List<SandboxRequest> Requests { get; } = [];

    /// <summary>Zendesk groups by id.</summary>
    public Dictionary<long, string> Groups { get; } = [];

    /// <summary>Agents with a Zendesk tab open: the display API reaches only these.</summary>
    public HashSet<long> OnlineAgents { get; } = [];

    /// <summary>Screen pops delivered, in order.</summary>
    public List<ZdPop> Pops { get; } = [];

    /// <summary>The account has Talk Partner Edition: off, its endpoints answer 403 as a plan's missing feature does.</summary>
    public bool TalkPartnerEdition { get; set; } = true;

    /// <summary>Zendesk apps registered in the account: a call record's <c>app_id</c> must name one.</summary>
    public HashSet<long> TalkApps { get; } = [DefaultTalkAppId];

    /// <summary>The app id registered in every fresh sandbox (the demo and benchmarks set <c>Zendesk:TalkAppId</c> to it).</summary>
    public const long DefaultTalkAppId = 7001;

    /// <summary>Talk Partner Edition call records by id, as stored (snake_case fields).</summary>
    public Dictionary<long, System.Text.Json.Nodes.JsonObject> Calls { get; } = [];

    /// <summary>Twilio calls by SID, for <c>GET /2010-04-01/Accounts/{AC}/Calls/{CA}</c>.</summary>
    public Dictionary<string, TwCall> TwilioCalls { get; } = new(StringComparer.Ordinal);

    /// <summary>Flex tokens minted by the control API, by token.</summary>
    public Dictionary<string, FlexTokenGrant> FlexTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>TaskRouter workers by SID: their name and attributes (JSON), seeded with a reservation.</summary>
    public Dictionary<string, (string Name, string Attributes)> Workers { get; } = new(StringComparer.Ordinal);

    /// <summary>TaskRouter reservations by task SID.</summary>
    public Dictionary<string, List<TwReservation>> Reservations { get; } = new(StringComparer.Ordinal);

    /// <summary>A user who may be assigned, submit for others or author private comments: role agent or admin.</summary>
    public bool IsAgent(long? id) => id is { } user && Users.TryGetValue(user, out var u) && u.Role is "agent" or "admin";

    /// <summary>TaskRouter events in the order they happened, served by <c>GET /v1/Workspaces/{ws}/Events</c>.</summary>
    public List<TwEvent> Events { get; } = [];
    public List<System.Text.Json.JsonElement> Telemetry { get; } = [];
    public List<FaultRule> Faults { get; } = [];
    public Dictionary<string, (long Minute, int Count)> Budgets { get; } = [];

    public DateTimeOffset Now => clock.GetUtcNow();

    public long NextId() => Interlocked.Increment(ref _nextId);

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string NewSid(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public void Reset()
    {
        lock (Gate)
        {
            Users.Clear();
            Tickets.Clear();
            IdempotencyKeys.Clear();
            Tasks.Clear();
            Workspaces.Clear();
            Conversations.Clear();
            Recordings.Clear();
            Requests.Clear();
            Events.Clear();
            Telemetry.Clear();
            Faults.Clear();
            Budgets.Clear();
            Groups.Clear();
            OnlineAgents.Clear();
            Pops.Clear();
            TalkPartnerEdition = true;
            TalkApps.Clear();
            TalkApps.Add(DefaultTalkAppId);
            Calls.Clear();
            TwilioCalls.Clear();
            FlexTokens.Clear();
            Reservations.Clear();
            Workers.Clear();
        }
    }

    /// <summary>Counts one request against a per-minute budget; returns seconds until the window resets when over.</summary>
    public int? Spend(string budget, int perMinute)
    {
        if (perMinute <= 0)
        {
            return null;
        }

        var now = Now;
        var minute = now.ToUnixTimeSeconds() / 60;
        lock (Gate)
        {
            var (window, count) = Budgets.GetValueOrDefault(budget);
            if (window != minute)
            {
                (window, count) = (minute, 0);
            }

            if (count >= perMinute)
            {
                return (int)(60 - (now.ToUnixTimeSeconds() % 60));
            }

            Budgets[budget] = (window, count + 1);
            return null;
        }
    }
}
