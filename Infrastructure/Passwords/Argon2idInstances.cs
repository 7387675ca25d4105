using System.Collections.Concurrent;
using Isopoh.Cryptography.Argon2;

namespace SliceAuth.Infrastructure.Passwords;

/// <summary>
/// Argon2id at the configured parameters, computed on reused Isopoh <see cref="Argon2"/> instances.
/// </summary>
/// <remarks>
/// An <see cref="Argon2"/> allocates its whole block memory (m KiB) in its constructor, and
/// <see cref="Argon2.Hash()"/> computes from scratch from the config it was built with: the first pass
/// writes every block before any is read. Giving an instance a new password and salt therefore hashes
/// exactly as a new instance would (PasswordHasherTests compares the two), without a fresh large-object
/// allocation per hash, which made the GC run full collections and raised the API's peak RSS under
/// logins by about 150 MB (bench/). At most one idle instance per core, and never more than eight, is
/// kept (152 MiB at most at the default cost); more concurrent hashes create instances that are disposed
/// (zeroed) when handed back. The blocks an idle instance holds derive from the last password hashed on
/// it, like the request buffers that held that password in the clear.
/// </remarks>
public sealed class Argon2idInstances(int memoryKiB, int iterations, int parallelism, int hashLength)
{
    private readonly ConcurrentBag<Instance> _idle = [];
    private readonly int _keep = Math.Min(Environment.ProcessorCount, 8);
    private int _idleCount;

    /// <summary>Whether a decoded hash was made with exactly these parameters, so its check can run here.</summary>
    public bool Matches(Argon2Config decoded) =>
        decoded.Type == Argon2Type.HybridAddressing
        && decoded.Version == Argon2Version.Nineteen
        && decoded.MemoryCost == memoryKiB
        && decoded.TimeCost == iterations
        && decoded.Lanes == parallelism
        && decoded.HashLength == hashLength
        && decoded.Secret is null
        && decoded.AssociatedData is null;

    /// <summary>The PHC string of the password with this salt.</summary>
    public string Hash(byte[] password, byte[] salt) =>
        Compute(password, salt, static (config, hash) => config.EncodeString(hash));

    /// <summary>The raw hash of the password with this salt.</summary>
    public byte[] Raw(byte[] password, byte[] salt) =>
        Compute(password, salt, static (_, hash) => hash.ToArray());

    private T Compute<T>(byte[] password, byte[] salt, Func<Argon2Config, byte[], T> result)
    {
        var instance = Rent();
        try
        {
            instance.Config.Password = password;
            instance.Config.Salt = salt;
            using var hash = instance.Argon2.Hash();
            var value = result(instance.Config, hash.Buffer);
            instance.Config.Password = null;
            instance.Config.Salt = null;
            Return(instance);
            return value;
        }
        catch
        {
            instance.Argon2.Dispose();
            throw;
        }
    }

    private Instance Rent()
    {
        if (_idle.TryTake(out var instance))
        {
            Interlocked.Decrement(ref _idleCount);
            return instance;
        }
        var config = new Argon2Config
        {
            Type = Argon2Type.HybridAddressing,
            Version = Argon2Version.Nineteen,
            MemoryCost = memoryKiB,
            TimeCost = iterations,
            Lanes = parallelism,
            Threads = parallelism,
            HashLength = hashLength,
        };
        return new Instance(config, new Argon2(config));
    }

    private void Return(Instance instance)
    {
        if (Interlocked.Increment(ref _idleCount) <= _keep)
        {
            _idle.Add(instance);
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        instance.Argon2.Dispose();
    }

    private sealed record Instance(Argon2Config Config, Argon2 Argon2);
}
