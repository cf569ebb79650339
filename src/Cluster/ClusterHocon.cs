using System.Globalization;
using System.Text;
using Akka.Hosting;
using PodCache.Cluster.Messages;

namespace PodCache.Cluster;

/// <summary>
/// The member's Akka configuration, generated from <see cref="ClusterOptions"/>. Each setting that differs from
/// Akka's defaults says why.
/// </summary>
internal static class ClusterHocon
{
    /// <summary>The sharding type name of key entities.</summary>
    public const string TypeName = "podcache-key";

    /// <summary>The role every member has and sharding runs under.</summary>
    public const string ShardingRole = "podcache";

    /// <summary>The serializer's name in <c>akka.actor.serializers</c>.</summary>
    public const string SerializerName = "podcache-msgpack";

    /// <summary>Akka's logger that forwards to an <c>ILoggerFactory</c> (from Akka.Hosting).</summary>
    public const string LoggerFactoryLogger = "Akka.Hosting.Logging.LoggerFactoryLogger, Akka.Hosting";

    public static string Build(ClusterOptions o, bool loggerFactory)
    {
        static string TypeRef(Type t) => $"{t.FullName}, {t.Assembly.GetName().Name}".ToHocon();
        static string Seconds(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";

        var h = new StringBuilder();
        h.AppendLine(CultureInfo.InvariantCulture, $$"""
            akka {
              loglevel = {{o.LogLevel}}
              stdout-loglevel = {{o.LogLevel}}
              log-dead-letters-during-shutdown = off
            """);
        if (loggerFactory)
        {
            h.AppendLine(CultureInfo.InvariantCulture, $"  loggers = [{LoggerFactoryLogger.ToHocon()}]");
        }
        h.AppendLine(CultureInfo.InvariantCulture, $$"""
              actor {
                provider = cluster
                serializers { {{SerializerName}} = {{TypeRef(typeof(MessagePackAkkaSerializer))}} }
                # One binding for the marker interface covers every PodCache message type.
                serialization-bindings { {{TypeRef(typeof(IClusterMessage))}} = {{SerializerName}} }
                # Nothing may fall back to the JSON serializer: an unbound type fails loudly instead.
                serialization-settings.allow-unregistered-types = off
              }
              remote.dot-netty.tcp {
                hostname = {{o.Host.ToHocon()}}
                public-hostname = {{o.Host.ToHocon()}}
                port = {{o.Port}}
                # Akka's default, stated: values above the inline limit travel by reference, never in bigger frames.
                maximum-frame-size = {{ClusterOptions.MaximumFrameSize}}b
              }
              cluster {
                # Gates the forming of the cluster only. Sharding runs under its own role (below), for which the
                # coordinator needs a single region: a coordinator that restarts elsewhere after its member crashed
                # ignores every request for a shard's home until min-nr-of-members regions have registered, which
                # for a role-less sharding would be this number, and would never happen again after a member is lost.
                min-nr-of-members = {{o.MinimumNumberOfMembers}}
                # With the split-brain resolver Akka waits stable-after again after a removal before shards and
                # singletons start elsewhere; key entities keep no state, so a short margin only shortens failover.
                down-removal-margin = {{Seconds(o.DownRemovalMargin)}}
                roles = [{{ShardingRole.ToHocon()}}]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{Seconds(o.StableAfter)}}
                }
                sharding {
                  role = {{ShardingRole.ToHocon()}}
                  # The coordinator's state lives in Distributed Data, not in an Akka.Persistence journal.
                  state-store-mode = ddata
                  # Entities hold no state worth restarting: a moved key is recomputed or read from the tiers.
                  remember-entities = off
                  # Entities passivate themselves when idle (never while computing).
                  passivate-idle-entity-after = off
                  rebalance-interval = {{Seconds(o.RebalanceInterval)}}
                  least-shard-allocation-strategy {
                    # Move up to 10% of the shards (at most 20) per round towards a new member.
                    rebalance-absolute-limit = 20
                    rebalance-relative-limit = 0.1
                  }
                }
              }
            }
            # Read by the serializer: the largest byte array it accepts from the wire.
            {{MessagePackAkkaSerializer.MaxPayloadPath}} = {{Math.Max(o.InlineLimitBytes, o.MaxRequestBytes)}}
            """);
        if (!string.IsNullOrWhiteSpace(o.ExtraHocon))
        {
            h.AppendLine(o.ExtraHocon);
        }
        return h.ToString();
    }
}
