package org.genvmimage.gocd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaterialUrlsTest {
  @ParameterizedTest
  @CsvSource({
    "https://github.com/example/vm-images.git, https://github.com/example/vm-images.git, false",
    "https://user:token@github.com/example/vm-images.git, https://github.com/example/vm-images.git, true",
    "https://ghp_token@github.com/x.git, https://github.com/x.git, true",
    "http://a:b@host:8080/r?x=1, http://host:8080/r?x=1, true",
    "ssh://git@host/repo.git, ssh://git@host/repo.git, false",
    "ssh://git:secret@host/repo.git, ssh://git@host/repo.git, true",
    "git@github.com:example/vm-images.git, git@github.com:example/vm-images.git, false",
    "/srv/git/repo.git, /srv/git/repo.git, false",
  })
  void removesCredentials(String url, String cleaned, boolean changed) {
    MaterialUrls.Cleaned result = MaterialUrls.clean(url);
    assertThat(result.url()).isEqualTo(cleaned);
    assertThat(result.changed()).isEqualTo(changed);
  }

  @ParameterizedTest
  @CsvSource({
    "https://github.com/example/vm-images.git, vm-images",
    "https://github.com/example/vm-images.git/, vm-images",
    "git@github.com:example/VM.Images.GIT, VM.Images",
    "ssh://host/r e%po, r_e_po",
    "https://host/, host",
    "https://host/.git, source",
  })
  void materialNames(String url, String name) {
    assertThat(MaterialUrls.materialName(url)).isEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource({"vm-images, GO_REVISION_VM_IMAGES", "a.b_c, GO_REVISION_A_B_C"})
  void revisionVariables(String material, String variable) {
    assertThat(MaterialUrls.revisionVariable(material)).isEqualTo(variable);
  }

  @ParameterizedTest
  @CsvSource({
    "https://github.com/x.git, true",
    "git@github.com:x.git, true",
    "ssh://git@host/x, true",
    "file:///srv/x.git, false",
    "/srv/x.git, false",
    "../x, false",
  })
  void remotes(String url, boolean remote) {
    assertThat(MaterialUrls.isRemote(url)).isEqualTo(remote);
  }
}
