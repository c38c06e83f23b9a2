using System.Net;
using System.Net.Sockets;

namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// A loopback port that refuses every connection for as long as this object lives: bound, never listening, so no
/// other process can take it and answer (a port merely found free could be taken by then).
/// </summary>
internal sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Dispose() => _socket.Dispose();
}
