using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SliceAuth.Infrastructure.Passwords;
using SliceAuth.Infrastructure.Telemetry;

namespace SliceAuth.Tests.Unit;

public sealed class PasswordHasherTests
{
    private const string Password = "correct horse battery staple";

    private static PasswordHasher Hasher(int memoryKiB = 64, int iterations = 1, int parallelism = 1) =>
        new(Options.Create(new PasswordOptions
        {
            Argon2MemoryKiB = memoryKiB,
            Argon2Iterations = iterations,
            Argon2Parallelism = parallelism,
        }));

    [Fact]
    public void a_new_hash_is_an_argon2id_phc_string_with_the_configured_parameters_and_a_fresh_salt()
    {
        var hasher = Hasher(memoryKiB: 96, iterations: 2);

        var first = hasher.Hash(Password);
        var second = hasher.Hash(Password);

        var phc = Regex.Match(first, @"^\$argon2id\$v=19\$m=96,t=2,p=1\$(?<salt>[A-Za-z0-9+/]+)\$(?<hash>[A-Za-z0-9+/]+)$");
        Assert.True(phc.Success, first);
        Assert.True(FromUnpaddedBase64(phc.Groups["salt"].Value).Length >= 16, "a salt of at least 128 bits");
        Assert.True(FromUnpaddedBase64(phc.Groups["hash"].Value).Length >= 32, "a hash of at least 256 bits");
        Assert.NotEqual(first, second);
        Assert.DoesNotContain(Password, first);
    }

    [Fact]
    public void the_right_password_verifies_and_a_wrong_one_fails()
    {
        var hasher = Hasher();
        var hash = hasher.Hash(Password);

        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(Password, hash));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(Password + "!", hash));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(Password.ToUpperInvariant(), hash));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify("", hash));
    }

    [Theory]
    [InlineData("$2a$")]
    [InlineData("$2b$")]
    [InlineData("$2y$")]
    public void a_correct_bcrypt_hash_verifies_and_needs_a_rehash_to_argon2id(string prefix)
    {
        var hash = prefix + BCrypt.Net.BCrypt.HashPassword(Password, 4)[4..];

        Assert.Equal(PasswordVerification.SucceededNeedsRehash, Hasher().Verify(Password, hash));
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify("wrong password here", hash));
    }

    [Theory]
    [InlineData(64, 1, 1, 128, 1, 1)]
    [InlineData(64, 1, 1, 64, 2, 1)]
    [InlineData(64, 1, 1, 64, 1, 2)]
    public void an_argon2id_hash_weaker_than_configured_needs_a_rehash(int m, int t, int p, int configuredM, int configuredT, int configuredP)
    {
        var weaker = Hasher(m, t, p).Hash(Password);

        var hasher = Hasher(configuredM, configuredT, configuredP);

        Assert.Equal(PasswordVerification.SucceededNeedsRehash, hasher.Verify(Password, weaker));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify("wrong password here", weaker));
    }

    [Fact]
    public void an_argon2id_hash_at_the_configured_parameters_needs_no_rehash()
    {
        var hasher = Hasher(memoryKiB: 128, iterations: 2, parallelism: 2);

        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(Password, Hasher(128, 2, 2).Hash(Password)));
    }

    [Fact]
    public void bcrypt_can_be_selected_for_new_hashes()
    {
        var hasher = new PasswordHasher(Options.Create(new PasswordOptions { Algorithm = PasswordAlgorithm.Bcrypt, BcryptCost = 4 }));

        var hash = hasher.Hash(Password);

        Assert.Matches(@"^\$2[aby]\$04\$[./A-Za-z0-9]{53}$", hash);
        Assert.True(BCrypt.Net.BCrypt.Verify(Password, hash));
        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(Password, hash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("correct horse battery staple")]
    [InlineData("$argon2id$")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$!!!!$!!!!")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$")]
    [InlineData("$argon2id$v=19$m=x,t=y,p=z$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$2a$04$")]
    [InlineData("$2a$04$!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("$2a$xx$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234")]
    [InlineData("$2a$99$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234")]
    [InlineData("$2x$04$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234")]
    public void a_garbage_stored_hash_fails_verification_without_throwing(string stored)
    {
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(Password, stored));
    }

    [Theory]
    [InlineData(64, 1, 1)]
    [InlineData(96, 2, 1)]
    [InlineData(128, 2, 2)]
    public void a_reused_argon2_instance_hashes_exactly_as_a_fresh_one(int m, int t, int p)
    {
        var instances = new Argon2idInstances(m, t, p, 32);
        Argon2Config Fresh(byte[] password, byte[] salt) => new()
        {
            Type = Argon2Type.HybridAddressing,
            Version = Argon2Version.Nineteen,
            MemoryCost = m,
            TimeCost = t,
            Lanes = p,
            Threads = p,
            Password = password,
            Salt = salt,
            HashLength = 32,
        };

        // Sequential, so later hashes run on an instance that holds the blocks of the earlier ones.
        var results = Enumerable.Range(0, 6).Select(i =>
        {
            var password = Encoding.UTF8.GetBytes($"password number {i % 3}");
            var salt = RandomNumberGenerator.GetBytes(16);
            return (Reused: instances.Hash(password, salt), Fresh: Argon2.Hash(Fresh(password, salt)));
        }).ToList();

        Assert.All(results, r => Assert.Equal(r.Fresh, r.Reused));
        Assert.Equal(6, results.Select(r => r.Reused).Distinct().Count());
    }

    [Fact]
    public void an_argon2id_hash_made_by_isopoh_alone_verifies_through_the_reused_instances()
    {
        var hasher = Hasher(memoryKiB: 64, iterations: 1);
        var stored = Argon2.Hash(Password, timeCost: 1, memoryCost: 64, parallelism: 1, type: Argon2Type.HybridAddressing, hashLength: 32);

        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(Password, stored));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(Password + " ", stored));
        Assert.True(Argon2.Verify(hasher.Hash(Password), Password));
    }

    [Fact]
    public void concurrent_hashes_and_checks_on_the_shared_instances_stay_correct()
    {
        var hasher = Hasher(memoryKiB: 64, iterations: 1);
        var stored = Enumerable.Range(0, 8).Select(i => hasher.Hash($"{Password} {i}")).ToArray();

        var outcomes = Enumerable.Range(0, 64).AsParallel().WithDegreeOfParallelism(8)
            .Select(i => (i, right: hasher.Verify($"{Password} {i % 8}", stored[i % 8]), wrong: hasher.Verify($"{Password} {(i + 1) % 8}", stored[i % 8])))
            .ToList();

        Assert.All(outcomes, o => Assert.Equal(PasswordVerification.Succeeded, o.right));
        Assert.All(outcomes, o => Assert.Equal(PasswordVerification.Failed, o.wrong));
    }

    [Theory]
    [InlineData(PasswordAlgorithm.Argon2id)]
    [InlineData(PasswordAlgorithm.Bcrypt)]
    public async Task checking_against_the_dummy_costs_what_a_real_check_costs(PasswordAlgorithm algorithm)
    {
        // Costly enough (tens of ms) that timer noise is small against it.
        var hasher = new PasswordHasher(Options.Create(new PasswordOptions
        {
            Algorithm = algorithm,
            Argon2MemoryKiB = 8192,
            Argon2Iterations = 3,
            BcryptCost = 10,
        }));
        var stored = await hasher.HashAsync(Password, CancellationToken.None);
        await hasher.VerifyAsync(Password, stored, CancellationToken.None);
        await hasher.VerifyAgainstDummyAsync(Password, CancellationToken.None);

        // Interleaved, so a slow moment of the machine hits both; the medians of 7 each.
        var real = new List<double>();
        var dummy = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(Password + "?", stored, CancellationToken.None));
            real.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await hasher.VerifyAgainstDummyAsync(Password, CancellationToken.None);
            dummy.Add(clock.Elapsed.TotalMilliseconds);
        }
        var ratio = dummy.Order().ElementAt(3) / real.Order().ElementAt(3);

        Assert.InRange(ratio, 0.5, 2.0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task no_more_hashes_run_at_once_than_configured_and_the_rest_wait_their_turn(int allowed)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var options = new PasswordOptions { Argon2MemoryKiB = 8192, Argon2Iterations = 3, MaxConcurrentHashes = allowed };
        var gated = new PasswordHasher(Options.Create(options), new AuthMetrics(meters));
        var stored = await gated.HashAsync(Password, CancellationToken.None);

        // The hashes let through the gate and not yet finished, from this hasher's meters only: the
        // gauge moves where the gate is taken and given back, whether or not the thread pool happens to
        // run the hashes side by side.
        var active = 0;
        var most = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "sliceauth.password_hashes.active")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, change, _, _) =>
        {
            var now = Interlocked.Add(ref active, change);
            for (var seen = Volatile.Read(ref most); now > seen; seen = Volatile.Read(ref most))
                Interlocked.CompareExchange(ref most, now, seen);
        });
        listener.Start();

        // Every caller asks at the same moment, each from a thread of its own: the gate is taken on the
        // caller's thread, so without the gate they would all be let through before the first finished.
        var callers = new Task<PasswordVerification>[3 * allowed + 1];
        using var together = new Barrier(callers.Length);
        var threads = Enumerable.Range(0, callers.Length).Select(i => new Thread(() =>
        {
            together.SignalAndWait();
            callers[i] = gated.VerifyAsync(Password, stored, CancellationToken.None);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var results = await Task.WhenAll(callers);

        Assert.All(results, r => Assert.Equal(PasswordVerification.Succeeded, r));
        Assert.Equal(0, Volatile.Read(ref active));
        Assert.InRange(Volatile.Read(ref most), 1, allowed);
    }

    [Fact]
    public async Task a_check_waiting_its_turn_gives_up_when_the_request_is_cancelled()
    {
        var gated = new PasswordHasher(Options.Create(new PasswordOptions { Argon2MemoryKiB = 8192, Argon2Iterations = 3, MaxConcurrentHashes = 1 }));
        var stored = await gated.HashAsync(Password, CancellationToken.None);
        using var cancelled = new CancellationTokenSource();

        var running = Task.Run(() => gated.VerifyAsync(Password, stored, CancellationToken.None));
        var waiting = Task.Run(async () =>
        {
            await Task.Delay(5);
            return await gated.VerifyAsync(Password, stored, cancelled.Token);
        });
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(PasswordVerification.Succeeded, await running);
    }

    private static byte[] FromUnpaddedBase64(string value) =>
        Convert.FromBase64String(value.PadRight(value.Length + (4 - value.Length % 4) % 4, '='));
}
