using Microsoft.AspNetCore.Http.HttpResults;

namespace FlexZendesk.Functions.Webhooks;

/// <summary>The ProblemDetails answers of the webhook endpoints. None says why a signature failed: that would help forging.</summary>
public static class Problems
{
    public static ProblemHttpResult Forbidden() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden",
        detail: "The request is not signed by Twilio for this URL.");

    public static ProblemHttpResult TooLarge(int limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Payload Too Large",
        detail: $"The body exceeds the limit of {limit} bytes (Ingress:MaxBodyBytes).");

    public static ProblemHttpResult UnsupportedMediaType() => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported Media Type",
        detail: "Send application/x-www-form-urlencoded or application/json.");

    public static ProblemHttpResult Malformed(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Bad Request",
        detail: detail);
}
