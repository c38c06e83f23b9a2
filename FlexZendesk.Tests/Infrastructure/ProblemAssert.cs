using System.Net;
using System.Text.Json;

namespace FlexZendesk.Tests.Infrastructure;

internal static class ProblemAssert
{
    /// <summary>Asserts an RFC 9457 ProblemDetails answer with the given status and returns its body.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
        return problem;
    }
}
