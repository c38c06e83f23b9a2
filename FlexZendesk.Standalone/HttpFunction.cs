using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Standalone;

/// <summary>A function with an HTTP trigger: served at <c>/{routePrefix}/{route}</c> for its methods.</summary>
public sealed record HttpFunction(string Name, MethodInfo Method, HttpTriggerAttribute Trigger);
