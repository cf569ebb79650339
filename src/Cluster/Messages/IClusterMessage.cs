namespace PodCache.Cluster.Messages;

/// <summary>
/// Marker for every message PodCache sends between members. One HOCON binding maps this interface to
/// <see cref="MessagePackAkkaSerializer"/>, so a new message type cannot silently fall back to another serializer.
/// </summary>
internal interface IClusterMessage;
