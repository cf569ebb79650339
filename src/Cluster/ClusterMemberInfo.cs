namespace PodCache.Cluster;

/// <summary>One member as this member sees it.</summary>
/// <param name="Address">The member's Akka address (<c>akka.tcp://podcache@HOST:PORT</c>).</param>
/// <param name="Status">Akka's member status: <c>Joining</c>, <c>WeaklyUp</c>, <c>Up</c>, <c>Leaving</c>, <c>Exiting</c>, <c>Down</c>.</param>
/// <param name="IsReachable">False while the failure detector considers it unreachable.</param>
/// <param name="IsSelf">True for this member.</param>
public sealed record ClusterMemberInfo(string Address, string Status, bool IsReachable, bool IsSelf);
