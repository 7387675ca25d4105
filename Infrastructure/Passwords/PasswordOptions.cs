using System.ComponentModel.DataAnnotations;

namespace SliceAuth.Infrastructure.Passwords;

public enum PasswordAlgorithm
{
    Argon2id,
    Bcrypt,
}

public sealed class PasswordOptions
{
    public const string Section = "Passwords";

    /// <summary>The algorithm of new hashes; login verifies both.</summary>
    public PasswordAlgorithm Algorithm { get; set; } = PasswordAlgorithm.Argon2id;

    [Range(8, 4 * 1024 * 1024)]
    public int Argon2MemoryKiB { get; set; } = 19456;

    [Range(1, 100)]
    public int Argon2Iterations { get; set; } = 2;

    [Range(1, 16)]
    public int Argon2Parallelism { get; set; } = 1;

    [Range(4, 31)]
    public int BcryptCost { get; set; } = 12;

    /// <summary>
    /// Hashes and checks computed at once; more wait their turn. Each Argon2id computation holds its
    /// memory cost (19 MiB by default), so this bounds that memory under a burst of logins.
    /// </summary>
    [Range(1, 4096)]
    public int MaxConcurrentHashes { get; set; } = Environment.ProcessorCount;

    [Range(1, PasswordRules.MaxLength)]
    public int MinLength { get; set; } = 12;
}
