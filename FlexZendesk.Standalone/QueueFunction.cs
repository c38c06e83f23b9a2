using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Standalone;

/// <summary>A function with a queue trigger: fed by <see cref="QueueListener"/>.</summary>
public sealed record QueueFunction(string Name, MethodInfo Method, QueueTriggerAttribute Trigger);
