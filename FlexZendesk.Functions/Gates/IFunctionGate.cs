namespace FlexZendesk.Functions.Gates;

/// <summary>A check an HTTP function's request must pass before the function body runs, under either host.</summary>
public interface IFunctionGate
{
    /// <summary>Null to let the request through; otherwise the answer (a ProblemDetails) the caller gets instead.</summary>
    ValueTask<IResult?> CheckAsync(HttpContext http);
}
