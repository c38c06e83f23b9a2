using System.Collections.Concurrent;
using System.Reflection;

namespace FlexZendesk.Functions.Gates;

/// <summary>Finds the gates a function method declares and runs them in order; the first refusal is the answer.</summary>
public static class FunctionGates
{
    private static readonly ConcurrentDictionary<MethodInfo, Type[]> Declared = new();

    public static IReadOnlyList<Type> Of(MethodInfo function) =>
        Declared.GetOrAdd(function, static m => [.. m.GetCustomAttributes<FunctionGateAttribute>().Select(a => a.GateType)]);

    public static async ValueTask<IResult?> CheckAsync(IReadOnlyList<Type> gates, HttpContext http, IServiceProvider services)
    {
        foreach (var type in gates)
        {
            var gate = (IFunctionGate)services.GetRequiredService(type);
            if (await gate.CheckAsync(http) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }
}

/// <summary>A check an HTTP function's request must pass before the function body runs, under either host.</summary>
public interface IFunctionGate
{
    /// <summary>Null to let the request through; otherwise the answer (a ProblemDetails) the caller gets instead.</summary>
    ValueTask<IResult?> CheckAsync(HttpContext http);
}

/// <summary>
/// Puts an <see cref="IFunctionGate"/> in front of an HTTP function. The Functions host runs it in the worker
/// middleware (<see cref="GateMiddleware"/>), the no-host runner inline in each function's endpoint delegate before
/// the function body: one declaration, both hosts.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public abstract class FunctionGateAttribute(Type gate) : Attribute
{
    public Type GateType { get; } = gate;
}
