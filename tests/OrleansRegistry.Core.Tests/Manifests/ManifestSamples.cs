namespace OrleansRegistry.Core.Tests.Manifests;

/// <summary>Manifests as real tools push them (image-spec examples, docker, oras/cosign, helm).</summary>
internal static class ManifestSamples
{
    public const string EmptyJsonDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    // image-spec "Example Image Manifest"
    public const string OciImage = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
            "size": 7023
          },
          "layers": [
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
              "size": 32654
            },
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b",
              "size": 16724
            },
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736",
              "size": 73109
            }
          ],
          "annotations": {
            "com.example.key1": "value1",
            "com.example.key2": "value2"
          }
        }
        """;

    // image-spec "Example Image Index", with a variant and os.features as buildx writes them
    public const string OciIndex = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "manifests": [
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "size": 7143,
              "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f",
              "platform": { "architecture": "ppc64le", "os": "linux" }
            },
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "size": 7682,
              "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
              "platform": { "architecture": "arm64", "os": "linux", "variant": "v8", "os.features": ["sse4"] },
              "annotations": { "vnd.docker.reference.type": "attestation-manifest" }
            }
          ],
          "annotations": {
            "com.example.key1": "value1"
          }
        }
        """;

    // docker push of a schema2 image (alpine-like)
    public const string DockerImage = """
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
           "config": {
              "mediaType": "application/vnd.docker.container.image.v1+json",
              "size": 1472,
              "digest": "sha256:c059bfaa849c4d8e4aecaeb3a10c2d9b3d85f5165c66ad3a4d937758128c4d18"
           },
           "layers": [
              {
                 "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                 "size": 3370628,
                 "digest": "sha256:59bf1c3509f33515622619af21ed55bbe26d24913cedbca106468a5fb37a50c3"
              }
           ]
        }
        """;

    public const string DockerList = """
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
           "manifests": [
              {
                 "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                 "size": 528,
                 "digest": "sha256:e7d92cdc71feacf90708cb59182d0df1b911f8ae022d29e8e95d75ca6a99776a",
                 "platform": { "architecture": "amd64", "os": "linux" }
              },
              {
                 "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                 "size": 528,
                 "digest": "sha256:8483ecd016885d8dba70426fda133c30466f661bb041490d525658f1aac73822",
                 "platform": { "architecture": "arm", "os": "linux", "variant": "v7" }
              }
           ]
        }
        """;

    // oras attach / cosign style: artifactType, the empty config, a subject
    public const string Artifact = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "artifactType": "application/vnd.example.sbom.v1",
          "config": {
            "mediaType": "application/vnd.oci.empty.v1+json",
            "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "size": 2,
            "data": "e30="
          },
          "layers": [
            {
              "mediaType": "application/spdx+json",
              "digest": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              "size": 0,
              "annotations": { "org.opencontainers.image.title": "sbom.spdx.json" }
            }
          ],
          "subject": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
            "size": 7682
          },
          "annotations": { "org.opencontainers.image.created": "2024-01-01T00:00:00Z" }
        }
        """;

    // helm push: no mediaType field; the Content-Type tells
    public const string HelmChart = """
        {"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"sha256:8ec7c0f2f6860037c19b54c3cfbab48d9b4b21b485a93d87b64690fdb68c2111","size":117},"layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":"sha256:1b251d38cfe948dfc0a5745b7af5ca574ecb61e52aed10b19039db39af6e1617","size":2487}],"annotations":{"org.opencontainers.image.title":"mychart","org.opencontainers.image.version":"0.1.0"}}
        """;
}
