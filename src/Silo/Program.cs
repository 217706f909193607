using CityOps.Silo.Hosting;

var app = await CityOpsHost.BuildAsync(args);
await app.RunAsync();
