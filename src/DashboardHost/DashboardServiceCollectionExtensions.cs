using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs;
using CityOps.Crypto;
using CityOps.DashboardHost.Admin;
using CityOps.DashboardHost.Audit;
using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Devices;
using CityOps.DashboardHost.Domain;
using CityOps.DashboardHost.Events;
using CityOps.DashboardHost.Grid;
using CityOps.DashboardHost.Http;
using CityOps.DashboardHost.Lifecycle;
using CityOps.DashboardHost.Map;
using CityOps.DashboardHost.Map.Basemap;
using CityOps.DashboardHost.Map.Devices;
using CityOps.DashboardHost.Mobile;
using CityOps.DashboardHost.Open311;
using CityOps.DashboardHost.Responders;
using CityOps.DashboardHost.Situation;
using CityOps.DashboardHost.Situation.History;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grid;
using CityOps.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;

namespace CityOps.DashboardHost;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the HTTP side: token issuing, JWT validation, the shared access policies, the APIs'
    /// services, the situation hub with its feed from the grains and the silo health check. Reads
    /// <c>City:Path</c>, <c>Storage:DataPath</c>, <c>Auth</c>, <c>Open311:ReadsPerMinutePerAddress</c>, <c>Situation</c> and <c>Evidence</c>
    /// (evidence files go to the data folder, or to Blob Storage when <c>Evidence:BlobConnectionString</c> or <c>ConnectionStrings:Blobs</c> is set).
    /// </summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var dataPath = configuration["Storage:DataPath"] ?? throw new InvalidOperationException("Storage:DataPath is not configured.");
        if (ClusterMembership.From(configuration).Profile == Profile.Cluster && string.IsNullOrWhiteSpace(auth.SigningKey))
        {
            // A key of its own per host would make a token issued by one host worthless at the others.
            throw new InvalidOperationException("The cluster profile needs Auth:SigningKey (base64 of at least 32 random bytes), the same for every host.");
        }

        var signingKey = SigningKeyStore.Resolve(auth.SigningKey, dataPath);
        var crypto = CryptoSettings.From(configuration);
        CryptoKeys.RequireSharedInCluster(configuration, crypto, ClusterMembership.From(configuration).Profile == Profile.Cluster);
        services.TryAddSingleton(crypto);
        services.AddSingleton<HttpWriteGate>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpWriteGate>());

        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton(signingKey);
        services.AddSingleton<AdminAuditLog>();
        services.AddCityRateLimits(auth, configuration);
        services.AddSingleton<CityMap>();
        services.AddSingleton<BasemapSource>();
        services.AddSingleton<DeviceAtlas>();
        services.AddGrid(configuration);
        services.AddSingleton<TokenIssuer>();
        services.TryAddSingleton(_ => CityCatalogue.Load(configuration["City:Path"] ?? throw new InvalidOperationException("City:Path is not configured.")));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new CaseScope(sp.GetRequiredService<CityCatalogue>(), configuration[CaseScope.InspectionDepartmentSetting]));
        // Evidence:BlobConnectionString, else the profiles' shared ConnectionStrings:Blobs (docs/architecture.md, State).
        // 国密 mode seals evidence with SM4-GCM under the installation's key (Crypto:EvidenceKey, else the data folder's).
        var atRest = new EvidenceAtRest(crypto, () => KeyFiles.EvidenceKey(configuration[CryptoKeys.EvidenceKeySetting], dataPath));
        services.AddSingleton<IEvidenceStore>(_ => (configuration["Evidence:BlobConnectionString"] is { Length: > 0 } own ? own : configuration.GetConnectionString("Blobs")) is { Length: > 0 } blobs
            ? new BlobEvidenceStore(new BlobContainerClient(blobs, configuration["Evidence:Container"] ?? "evidence"), atRest)
            : new FileEvidenceStore(Path.Combine(dataPath, "evidence"), atRest));
        services.AddSingleton(sp => new EvidenceLinks(
            signingKey, sp.GetRequiredService<TimeProvider>(), configuration.GetValue(EvidenceLinks.LifetimeSetting, EvidenceLinks.DefaultLifetime)));

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                IssuerSigningKey = signingKey,
                NameClaimType = CityClaims.Name,
                RoleClaimType = CityClaims.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            o.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on WebSocket requests, so the hub takes the token from the query.
                OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is { Count: > 0 } token)
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },

                // A token is good only while its account has the same token version and the session is open:
                // a sign-out, a disable, a password reset or a change of roles ends it in every process at once.
                OnTokenValidated = TokenRevocation.CheckAsync,
            };
        });
        services.AddAuthorization(AccessPolicies.Configure);
        services.AddSingleton<IAuthorizationHandler, RegionScopeHandler>();

        services.AddProblemDetails();
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        services.AddOpenApi(o => o.AddDocumentTransformer<ContractDocument>().AddSchemaTransformer<ContractDocument>());
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo");

        services.Configure<SituationOptions>(configuration.GetSection(SituationOptions.Section));
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        services.AddSingleton<SituationSnapshots>();
        services.AddSingleton<AssignmentNotices>();
        services.AddSingleton<SituationSessions>();
        services.AddHostedService<SituationFeedListener>();
        return services;
    }

    /// <summary>Maps the pages, the APIs, the situation hub and <c>/health</c>, behind error handling and authentication.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseInputLimits(app.Configuration.GetValue(InputLimits.MaxJsonBodySetting, InputLimits.DefaultMaxJsonBodyBytes));
        app.UseExceptionHandler();
        app.UseHttpWriteGate();
        app.UseStatusCodePages();
        app.UseDashboardPages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapHealth();
        app.MapOpenApi().AllowAnonymous();
        app.MapAuthApi();
        app.MapAdminApi();
        app.MapAuditApi();
        app.MapDevicesApi();
        app.MapMapApi();
        app.MapSituationHistoryApi();
        app.MapAlertsApi();
        app.MapGridApi();
        app.MapEventsApi();
        app.MapKpisApi();
        app.MapDomainApi();
        app.MapMobileApi();
        app.MapRespondersApi();
        app.MapOpen311Api();
        app.MapPages();
        // A wall screen stays connected for days; when its token expires it must sign in again, not keep streaming.
        app.MapHub<SituationHub>(SituationHub.Path, o => o.CloseOnAuthenticationExpiration = true);
        return app;
    }
}
