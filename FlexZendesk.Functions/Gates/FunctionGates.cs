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
