// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated platform's topology: configfs items under
 * /sys/kernel/config/iommufd_emu (every attribute, every refusal) and the
 * debugfs dump /sys/kernel/debug/iommufd_emu/topology.
 *
 * Every test removes whatever it created, devices first (removing an
 * enabled device disables it), then instances.
 */
#include "iommufd_emu_utils.h"

#define TOPOLOGY	"/sys/kernel/debug/iommufd_emu/topology"
#define MAX_ITEMS	16

static int attr_writeu(const char *dir, const char *name, const char *attr,
		       unsigned long long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu\n", value);
	return emu_cfs_write(dir, name, attr, buf);
}

/* A numeric attribute, or -errno: what EXPECT_EQ() compares directly */
static long long attr_readu(const char *dir, const char *name,
			    const char *attr)
{
	unsigned long long val;
	int rc;

	rc = emu_cfs_readu(dir, name, attr, &val);
	return rc ? rc : (long long)val;
}

/* The whole debugfs dump, malloc()ed, or NULL */
static char *topology_read(void)
{
	size_t len = 0, size = 65536;
	char *buf = malloc(size);
	ssize_t n;
	int fd;

	fd = open(TOPOLOGY, O_RDONLY);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, size - len - 1)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

/*
 * Copy the value of @key on the dump line of item @name in @section
 * ("iommus:", "devices:") into @val; 0 or -ENOENT.
 */
static int topology_get(const char *dump, const char *section,
			const char *name, const char *key, char *val,
			size_t len)
{
	char line_start[128], key_eq[64];
	const char *p, *end, *v;
	size_t n;

	p = strstr(dump, section);
	if (!p)
		return -ENOENT;
	snprintf(line_start, sizeof(line_start), "\n  %s ", name);
	snprintf(key_eq, sizeof(key_eq), " %s=", key);
	p = strstr(p, line_start);
	if (!p)
		return -ENOENT;
	end = strchr(p + 1, '\n');
	if (!end)
		end = p + strlen(p);
	v = strstr(p, key_eq);
	if (!v || v > end)
		return -ENOENT;
	v += strlen(key_eq);
	n = strcspn(v, "\n ");
	if (n >= len)
		return -ENOENT;
	memcpy(val, v, n);
	val[n] = '\0';
	return 0;
}

/* In @dump, @key of @item in @section reads @want */
#define EXPECT_TOPOLOGY(_dump, _section, _item, _key, _want) do {	\
	char __val[64];							\
									\
	EXPECT_OK(topology_get(_dump, _section, _item, _key, __val,	\
			       sizeof(__val)));				\
	EXPECT_STREQ(_want, __val);					\
} while (0)

/*
 * The items a test made, for its teardown. Each test runs in a child
 * process of its own, so these start out empty every time.
 */
static char made_iommus[MAX_ITEMS][64];
static char made_devices[MAX_ITEMS][64];
static int nmade_iommus;
static int nmade_devices;

FIXTURE(platform) {
	int unused;
};

FIXTURE_SETUP(platform)
{
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
}

static int forget(char (*names)[64], int *count, const char *name)
{
	int i;

	for (i = 0; i < *count; i++) {
		if (!strcmp(names[i], name)) {
			memmove(names[i], names[i + 1],
				(*count - i - 1) * sizeof(names[0]));
			(*count)--;
			return 0;
		}
	}
	return -ENOENT;
}

FIXTURE_TEARDOWN(platform)
{
	char path[PATH_MAX];
	int i;

	for (i = nmade_devices - 1; i >= 0; i--) {
		emu_cfs_path(path, sizeof(path),
			     "devices", made_devices[i], NULL);
		if (rmdir(path))
			TH_LOG("cleanup: rmdir %s: %s", path, strerror(errno));
	}
	for (i = nmade_iommus - 1; i >= 0; i--) {
		emu_cfs_path(path, sizeof(path),
			     "iommus", made_iommus[i], NULL);
		if (rmdir(path))
			TH_LOG("cleanup: rmdir %s: %s", path, strerror(errno));
	}
}

/* mkdir an item and remember it for the teardown; 0 or -errno */
static int item_mkdir(const char *dir, const char *name)
{
	bool dev = !strcmp(dir, "devices");
	int rc = emu_cfs_mkdir(dir, name);

	if (rc)
		return rc;
	if (dev && nmade_devices < MAX_ITEMS)
		snprintf(made_devices[nmade_devices++], 64, "%s", name);
	else if (!dev && nmade_iommus < MAX_ITEMS)
		snprintf(made_iommus[nmade_iommus++], 64, "%s", name);
	return 0;
}

static int item_rmdir(const char *dir, const char *name)
{
	bool dev = !strcmp(dir, "devices");
	int rc = emu_cfs_rmdir(dir, name);

	if (rc)
		return rc;
	if (dev)
		forget(made_devices, &nmade_devices, name);
	else
		forget(made_iommus, &nmade_iommus, name);
	return 0;
}

/* An instance of @type with its default capabilities, enabled */
static int make_iommu(const char *name, const char *type)
{
	int rc;

	rc = item_mkdir("iommus", name);
	if (!rc)
		rc = emu_cfs_write("iommus", name, "type", type);
	if (!rc)
		rc = emu_cfs_write("iommus", name, "enable", "1");
	return rc;
}

/* A device behind @iommu with stream/requester ID @id and group @tag */
static int make_dev(const char *name, const char *iommu, unsigned int id,
		    unsigned int tag, bool enable)
{
	int rc;

	rc = item_mkdir("devices", name);
	if (!rc)
		rc = emu_cfs_write("devices", name, "iommu", iommu);
	if (!rc)
		rc = attr_writeu("devices", name, "id", id);
	if (!rc)
		rc = attr_writeu("devices", name, "group", tag);
	if (!rc && enable)
		rc = emu_cfs_write("devices", name, "enable", "1");
	return rc;
}

#define IOMMU_W(_name, _attr, _val) \
	emu_cfs_write("iommus", _name, _attr, _val)
#define DEV_W(_name, _attr, _val) \
	emu_cfs_write("devices", _name, _attr, _val)
#define IOMMU_R(_name, _attr) attr_readu("iommus", _name, _attr)
#define DEV_R(_name, _attr) attr_readu("devices", _name, _attr)

static const char *const iommu_cap_attrs[] = {
	"ias", "oas", "stage1", "stage2", "nesting", "pasid_bits",
	"asid_bits", "vmid_bits", "ats", "ril", "fs_1g", "sre", "eafe",
	"prs", "dirty_tracking",
};

TEST_F(platform, layout)
{
	struct stat st;

	ASSERT_EQ(0, stat(EMU_CFS_ROOT "/iommus", &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	ASSERT_EQ(0, stat(EMU_CFS_ROOT "/devices", &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	/* Items can only be made in the two groups */
	ASSERT_EQ(-1, mkdir(EMU_CFS_ROOT "/other", 0755));
}

TEST_F(platform, iommu_type_defaults)
{
	char buf[64];

	ASSERT_OK(item_mkdir("iommus", "plat_s0"));
	ASSERT_OK(emu_cfs_read("iommus", "plat_s0", "type", buf, sizeof(buf)));
	ASSERT_STREQ("", buf);
	ASSERT_EQ(0, IOMMU_R("plat_s0", "enable"));
	ASSERT_EQ(0, IOMMU_R("plat_s0", "ias"));

	ASSERT_OK(IOMMU_W("plat_s0", "type", "smmuv3\n"));
	ASSERT_OK(emu_cfs_read("iommus", "plat_s0", "type", buf, sizeof(buf)));
	ASSERT_STREQ("smmuv3", buf);
	ASSERT_EQ(48, IOMMU_R("plat_s0", "ias"));
	ASSERT_EQ(48, IOMMU_R("plat_s0", "oas"));
	ASSERT_EQ(1, IOMMU_R("plat_s0", "stage1"));
	ASSERT_EQ(1, IOMMU_R("plat_s0", "stage2"));
	ASSERT_EQ(1, IOMMU_R("plat_s0", "nesting"));
	ASSERT_EQ(20, IOMMU_R("plat_s0", "pasid_bits"));

	/* A new type loads that type's defaults */
	ASSERT_OK(IOMMU_W("plat_s0", "ias", "40"));
	ASSERT_OK(IOMMU_W("plat_s0", "type", "vtd"));
	ASSERT_OK(emu_cfs_read("iommus", "plat_s0", "type", buf, sizeof(buf)));
	ASSERT_STREQ("vtd", buf);
	ASSERT_EQ(48, IOMMU_R("plat_s0", "ias"));
	ASSERT_EQ(48, IOMMU_R("plat_s0", "oas"));
	ASSERT_EQ(20, IOMMU_R("plat_s0", "pasid_bits"));
}

TEST_F(platform, iommu_type_bad)
{
	ASSERT_OK(item_mkdir("iommus", "plat_s0"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "type", "foo"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "type", "smmuv"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "type", "SMMUV3"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "type", "smmuv3-and-a-long-tail"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "type", "\n"));
	/* Capabilities need a type first, and so does enabling */
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "ias", "48"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "stage1", "1"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "enable", "1"));
	EXPECT_EQ(0, IOMMU_R("plat_s0", "enable"));
}

/* Every capability of each type: accepted and refused values */
struct cap_case {
	const char *type;
	const char *attr;
	const char *value;
	int rc;
};

static const struct cap_case cap_cases[] = {
	{ "smmuv3", "ias", "32", 0 },
	{ "smmuv3", "ias", "39", 0 },
	{ "smmuv3", "ias", "48", 0 },
	{ "smmuv3", "ias", "31", -EINVAL },
	{ "smmuv3", "ias", "49", -EINVAL },
	{ "smmuv3", "ias", "52", -EINVAL },
	{ "smmuv3", "ias", "4294967296", -EINVAL },
	{ "smmuv3", "ias", "-1", -EINVAL },
	{ "smmuv3", "ias", "abc", -EINVAL },
	{ "smmuv3", "oas", "32", 0 },
	{ "smmuv3", "oas", "36", 0 },
	{ "smmuv3", "oas", "40", 0 },
	{ "smmuv3", "oas", "42", 0 },
	{ "smmuv3", "oas", "44", 0 },
	{ "smmuv3", "oas", "48", 0 },
	{ "smmuv3", "oas", "41", -EINVAL },
	{ "smmuv3", "oas", "52", -EINVAL },
	{ "smmuv3", "oas", "64", -EINVAL },
	{ "smmuv3", "pasid_bits", "0", 0 },
	{ "smmuv3", "pasid_bits", "20", 0 },
	{ "smmuv3", "pasid_bits", "21", -EINVAL },
	{ "smmuv3", "stage1", "0", 0 },
	{ "smmuv3", "stage1", "y", 0 },
	{ "smmuv3", "stage1", "2", -EINVAL },
	{ "smmuv3", "stage2", "n", 0 },
	{ "smmuv3", "stage2", "x", -EINVAL },
	{ "smmuv3", "nesting", "0", 0 },
	{ "smmuv3", "nesting", "\n", -EINVAL },
	{ "vtd", "ias", "48", 0 },
	{ "vtd", "ias", "57", 0 },
	{ "vtd", "ias", "39", -EINVAL },
	{ "vtd", "ias", "47", -EINVAL },
	{ "vtd", "ias", "64", -EINVAL },
	{ "vtd", "oas", "32", 0 },
	{ "vtd", "oas", "46", 0 },
	{ "vtd", "oas", "52", 0 },
	{ "vtd", "oas", "31", -EINVAL },
	{ "vtd", "oas", "53", -EINVAL },
	{ "vtd", "pasid_bits", "20", 0 },
	{ "vtd", "pasid_bits", "21", -EINVAL },
	{ "vtd", "stage1", "1", 0 },
	{ "vtd", "stage2", "0", 0 },
	{ "vtd", "nesting", "yes", 0 },
	/* Each type's own capabilities; the other type's accept only 0 */
	{ "smmuv3", "asid_bits", "8", 0 },
	{ "smmuv3", "asid_bits", "16", 0 },
	{ "smmuv3", "asid_bits", "12", -EINVAL },
	{ "smmuv3", "vmid_bits", "8", 0 },
	{ "smmuv3", "vmid_bits", "0", -EINVAL },
	{ "smmuv3", "ats", "1", 0 },
	{ "smmuv3", "ril", "0", 0 },
	{ "smmuv3", "ril", "2", -EINVAL },
	{ "smmuv3", "fs_1g", "0", 0 },
	{ "smmuv3", "fs_1g", "1", -EINVAL },
	{ "smmuv3", "sre", "1", -EINVAL },
	{ "smmuv3", "eafe", "1", -EINVAL },
	{ "smmuv3", "prs", "1", -EINVAL },
	{ "smmuv3", "dirty_tracking", "1", -EINVAL },
	{ "vtd", "fs_1g", "0", 0 },
	{ "vtd", "sre", "1", 0 },
	{ "vtd", "eafe", "2", -EINVAL },
	{ "vtd", "prs", "0", 0 },
	{ "vtd", "dirty_tracking", "1", 0 },
	{ "vtd", "asid_bits", "0", 0 },
	{ "vtd", "asid_bits", "8", -EINVAL },
	{ "vtd", "vmid_bits", "16", -EINVAL },
	{ "vtd", "ats", "1", -EINVAL },
	{ "vtd", "ril", "1", -EINVAL },
};

TEST_F(platform, iommu_cap_ranges)
{
	char what[128];
	unsigned int i;

	ASSERT_OK(item_mkdir("iommus", "plat_s0"));
	for (i = 0; i < ARRAY_SIZE(cap_cases); i++) {
		const struct cap_case *c = &cap_cases[i];
		long long before;

		ASSERT_OK(IOMMU_W("plat_s0", "type", c->type));
		before = IOMMU_R("plat_s0", c->attr);
		snprintf(what, sizeof(what), "%s %s=%s", c->type, c->attr,
			 c->value);
		EXPECT_RC_FOR(what, c->rc, IOMMU_W("plat_s0", c->attr, c->value));
		if (c->rc) {
			/* A refused value leaves the old one */
			EXPECT_EQ(before, IOMMU_R("plat_s0", c->attr));
		} else if (strcmp(c->attr, "stage1") && strcmp(c->attr, "stage2") &&
			   strcmp(c->attr, "nesting")) {
			EXPECT_EQ(strtoll(c->value, NULL, 0),
				  IOMMU_R("plat_s0", c->attr));
		}
	}
}

TEST_F(platform, iommu_enable_rules)
{
	ASSERT_OK(item_mkdir("iommus", "plat_s0"));
	ASSERT_OK(IOMMU_W("plat_s0", "type", "smmuv3"));
	ASSERT_OK(IOMMU_W("plat_s0", "ias", "40"));
	ASSERT_OK(IOMMU_W("plat_s0", "oas", "44"));
	ASSERT_OK(IOMMU_W("plat_s0", "pasid_bits", "16"));

	/* Nesting needs both stages; some stage is needed */
	ASSERT_OK(IOMMU_W("plat_s0", "stage2", "0"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "enable", "1"));
	ASSERT_OK(IOMMU_W("plat_s0", "nesting", "0"));
	ASSERT_OK(IOMMU_W("plat_s0", "stage1", "0"));
	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "enable", "1"));
	EXPECT_EQ(0, IOMMU_R("plat_s0", "enable"));
	ASSERT_OK(IOMMU_W("plat_s0", "stage2", "1"));

	EXPECT_ERR(EINVAL, IOMMU_W("plat_s0", "enable", "maybe"));
	ASSERT_OK(IOMMU_W("plat_s0", "enable", "1"));
	EXPECT_EQ(1, IOMMU_R("plat_s0", "enable"));
	/* Enabling an enabled instance changes nothing */
	ASSERT_OK(IOMMU_W("plat_s0", "enable", "1"));
	EXPECT_EQ(40, IOMMU_R("plat_s0", "ias"));
	EXPECT_EQ(44, IOMMU_R("plat_s0", "oas"));
	EXPECT_EQ(0, IOMMU_R("plat_s0", "stage1"));
	EXPECT_EQ(1, IOMMU_R("plat_s0", "stage2"));
	EXPECT_EQ(16, IOMMU_R("plat_s0", "pasid_bits"));

	ASSERT_OK(IOMMU_W("plat_s0", "enable", "0"));
	EXPECT_EQ(0, IOMMU_R("plat_s0", "enable"));
	ASSERT_OK(IOMMU_W("plat_s0", "enable", "0"));
}

TEST_F(platform, iommu_busy_while_enabled)
{
	unsigned int i;

	ASSERT_OK(make_iommu("plat_s0", "smmuv3"));
	EXPECT_ERR(EBUSY, IOMMU_W("plat_s0", "type", "vtd"));
	EXPECT_ERR(EBUSY, IOMMU_W("plat_s0", "type", "smmuv3"));
	for (i = 0; i < ARRAY_SIZE(iommu_cap_attrs); i++)
		EXPECT_RC_FOR(iommu_cap_attrs[i], -EBUSY,
			      IOMMU_W("plat_s0", iommu_cap_attrs[i], "1"));
	/* Even a value that would be out of range: EBUSY comes first */
	EXPECT_ERR(EBUSY, IOMMU_W("plat_s0", "ias", "99"));

	ASSERT_OK(IOMMU_W("plat_s0", "enable", "0"));
	ASSERT_OK(IOMMU_W("plat_s0", "ias", "36"));
	ASSERT_OK(IOMMU_W("plat_s0", "type", "vtd"));
	ASSERT_OK(IOMMU_W("plat_s0", "enable", "1"));
}

TEST_F(platform, dev_attrs)
{
	char buf[128];

	ASSERT_OK(item_mkdir("devices", "plat_d0"));
	ASSERT_OK(emu_cfs_read("devices", "plat_d0", "iommu", buf,
			       sizeof(buf)));
	ASSERT_STREQ("", buf);
	ASSERT_OK(emu_cfs_read("devices", "plat_d0", "parent", buf,
			       sizeof(buf)));
	ASSERT_STREQ("", buf);
	EXPECT_EQ(0, DEV_R("plat_d0", "id"));
	EXPECT_EQ(0, DEV_R("plat_d0", "group"));
	EXPECT_EQ(0, DEV_R("plat_d0", "pasid_bits"));
	EXPECT_EQ(0, DEV_R("plat_d0", "enable"));

	ASSERT_OK(DEV_W("plat_d0", "iommu", "plat_s0\n"));
	ASSERT_OK(emu_cfs_read("devices", "plat_d0", "iommu", buf,
			       sizeof(buf)));
	ASSERT_STREQ("plat_s0", buf);
	ASSERT_OK(DEV_W("plat_d0", "parent", "plat_d1"));
	ASSERT_OK(emu_cfs_read("devices", "plat_d0", "parent", buf,
			       sizeof(buf)));
	ASSERT_STREQ("plat_d1", buf);
	ASSERT_OK(DEV_W("plat_d0", "parent", "\n"));
	ASSERT_OK(emu_cfs_read("devices", "plat_d0", "parent", buf,
			       sizeof(buf)));
	ASSERT_STREQ("", buf);
	ASSERT_OK(DEV_W("plat_d0", "id", "0x1234"));
	EXPECT_EQ(0x1234, DEV_R("plat_d0", "id"));
	ASSERT_OK(DEV_W("plat_d0", "id", "4294967295"));
	EXPECT_EQ(4294967295LL, DEV_R("plat_d0", "id"));
	ASSERT_OK(DEV_W("plat_d0", "group", "7"));
	EXPECT_EQ(7, DEV_R("plat_d0", "group"));
	ASSERT_OK(DEV_W("plat_d0", "pasid_bits", "20"));
	EXPECT_EQ(20, DEV_R("plat_d0", "pasid_bits"));

	/* Out of range or malformed */
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "pasid_bits", "21"));
	EXPECT_EQ(20, DEV_R("plat_d0", "pasid_bits"));
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "id", "4294967296"));
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "id", "x"));
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "group", "-1"));
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "enable", "2"));
	memset(buf, 'a', 64);
	buf[64] = '\0';
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "iommu", buf));
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "parent", buf));
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "iommu", "a/b"));
	buf[63] = '\0';
	EXPECT_OK(DEV_W("plat_d0", "iommu", buf));
	ASSERT_OK(emu_cfs_read("devices", "plat_d0", "iommu", buf,
			       sizeof(buf)));
	EXPECT_EQ(63, strlen(buf));
}

TEST_F(platform, name_too_long)
{
	char name[80];

	memset(name, 'n', 64);
	name[64] = '\0';
	EXPECT_ERR(ENAMETOOLONG, item_mkdir("iommus", name));
	EXPECT_ERR(ENAMETOOLONG, item_mkdir("devices", name));
	name[63] = '\0';
	EXPECT_OK(item_mkdir("iommus", name));
	EXPECT_OK(item_mkdir("devices", name));
}

TEST_F(platform, dev_unknown_iommu)
{
	ASSERT_OK(item_mkdir("devices", "plat_d0"));
	/* No iommu named at all */
	EXPECT_ERR(ENODEV, DEV_W("plat_d0", "enable", "1"));
	/* A name that does not exist */
	ASSERT_OK(DEV_W("plat_d0", "iommu", "plat_nope"));
	EXPECT_ERR(ENODEV, DEV_W("plat_d0", "enable", "1"));
	/* An instance that exists but is disabled */
	ASSERT_OK(item_mkdir("iommus", "plat_s0"));
	ASSERT_OK(IOMMU_W("plat_s0", "type", "smmuv3"));
	ASSERT_OK(DEV_W("plat_d0", "iommu", "plat_s0"));
	EXPECT_ERR(ENODEV, DEV_W("plat_d0", "enable", "1"));
	EXPECT_EQ(0, DEV_R("plat_d0", "enable"));

	ASSERT_OK(IOMMU_W("plat_s0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));
	EXPECT_EQ(1, DEV_R("plat_d0", "enable"));
}

TEST_F(platform, dev_busy_while_enabled)
{
	static const char *const attrs[] = {
		"iommu", "id", "group", "pasid_bits", "parent",
	};
	unsigned int i;

	ASSERT_OK(make_iommu("plat_s0", "smmuv3"));
	ASSERT_OK(make_dev("plat_d0", "plat_s0", 1, 0, true));
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		EXPECT_RC_FOR(attrs[i], -EBUSY,
			      DEV_W("plat_d0", attrs[i], "0"));
	EXPECT_ERR(EBUSY, DEV_W("plat_d0", "pasid_bits", "99"));
	/* Enabling twice is a no-op; disabling makes it writable again */
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "0"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "0"));
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		EXPECT_RC_FOR(attrs[i], 0, DEV_W("plat_d0", attrs[i], "0"));
}

TEST_F(platform, dev_duplicate_id)
{
	ASSERT_OK(make_iommu("plat_s0", "smmuv3"));
	ASSERT_OK(make_iommu("plat_s1", "smmuv3"));
	ASSERT_OK(make_dev("plat_d0", "plat_s0", 0x42, 0, true));
	ASSERT_OK(make_dev("plat_d1", "plat_s0", 0x42, 0, false));
	EXPECT_ERR(EEXIST, DEV_W("plat_d1", "enable", "1"));
	EXPECT_EQ(0, DEV_R("plat_d1", "enable"));
	/* Also with a shared group tag */
	ASSERT_OK(DEV_W("plat_d1", "group", "3"));
	EXPECT_ERR(EEXIST, DEV_W("plat_d1", "enable", "1"));
	/* The same ID on another instance is fine */
	ASSERT_OK(make_dev("plat_d2", "plat_s1", 0x42, 0, true));
	/* And once the holder is disabled, it is free again */
	ASSERT_OK(DEV_W("plat_d0", "enable", "0"));
	ASSERT_OK(DEV_W("plat_d1", "enable", "1"));
	EXPECT_ERR(EEXIST, DEV_W("plat_d0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "id", "0x43"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));
}

TEST_F(platform, dev_pasid_beyond_instance)
{
	ASSERT_OK(item_mkdir("iommus", "plat_s0"));
	ASSERT_OK(IOMMU_W("plat_s0", "type", "vtd"));
	ASSERT_OK(IOMMU_W("plat_s0", "pasid_bits", "8"));
	ASSERT_OK(IOMMU_W("plat_s0", "enable", "1"));
	ASSERT_OK(make_dev("plat_d0", "plat_s0", 1, 0, false));
	ASSERT_OK(DEV_W("plat_d0", "pasid_bits", "9"));
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "pasid_bits", "8"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));

	/* An instance without PASIDs takes only devices without them */
	ASSERT_OK(item_mkdir("iommus", "plat_s1"));
	ASSERT_OK(IOMMU_W("plat_s1", "type", "smmuv3"));
	ASSERT_OK(IOMMU_W("plat_s1", "pasid_bits", "0"));
	ASSERT_OK(IOMMU_W("plat_s1", "enable", "1"));
	ASSERT_OK(make_dev("plat_d1", "plat_s1", 1, 0, false));
	ASSERT_OK(DEV_W("plat_d1", "pasid_bits", "1"));
	EXPECT_ERR(EINVAL, DEV_W("plat_d1", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d1", "pasid_bits", "0"));
	ASSERT_OK(DEV_W("plat_d1", "enable", "1"));
}

TEST_F(platform, dev_id_range_per_type)
{
	ASSERT_OK(make_iommu("plat_v0", "vtd"));
	ASSERT_OK(make_iommu("plat_s0", "smmuv3"));
	/* VT-d requester IDs are 16-bit */
	ASSERT_OK(make_dev("plat_d0", "plat_v0", 0x10000, 0, false));
	EXPECT_ERR(EINVAL, DEV_W("plat_d0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "id", "0xffff"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));
	/* SMMUv3 StreamIDs are 32-bit */
	ASSERT_OK(make_dev("plat_d1", "plat_s0", 0xffffffffU, 0, true));
}

TEST_F(platform, dev_parent)
{
	ASSERT_OK(make_iommu("plat_v0", "vtd"));
	ASSERT_OK(make_dev("plat_d0", "plat_v0", 1, 0, false));
	ASSERT_OK(make_dev("plat_d1", "plat_v0", 2, 0, false));
	ASSERT_OK(DEV_W("plat_d1", "parent", "plat_nope"));
	EXPECT_ERR(ENODEV, DEV_W("plat_d1", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d1", "parent", "plat_d1"));
	EXPECT_ERR(ENODEV, DEV_W("plat_d1", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d1", "parent", "plat_d0"));
	/* A sub-device needs an enabled parent that issues PASIDs */
	EXPECT_ERR(ENODEV, DEV_W("plat_d1", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));
	EXPECT_ERR(EINVAL, DEV_W("plat_d1", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "0"));
	ASSERT_OK(DEV_W("plat_d0", "pasid_bits", "4"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d1", "enable", "1"));
	EXPECT_EQ(1, DEV_R("plat_d1", "pasid"));
	EXPECT_ERR(EBUSY, DEV_W("plat_d0", "enable", "0"));
}

TEST_F(platform, iommu_removal_blocked_by_devices)
{
	ASSERT_OK(make_iommu("plat_s0", "smmuv3"));
	ASSERT_OK(make_dev("plat_d0", "plat_s0", 1, 0, true));
	ASSERT_OK(make_dev("plat_d1", "plat_s0", 2, 0, true));

	EXPECT_ERR(EBUSY, item_rmdir("iommus", "plat_s0"));
	EXPECT_ERR(EBUSY, IOMMU_W("plat_s0", "enable", "0"));
	EXPECT_EQ(1, IOMMU_R("plat_s0", "enable"));

	ASSERT_OK(DEV_W("plat_d0", "enable", "0"));
	EXPECT_ERR(EBUSY, item_rmdir("iommus", "plat_s0"));
	EXPECT_ERR(EBUSY, IOMMU_W("plat_s0", "enable", "0"));

	/* Removing an enabled device disables it and drops its dependency */
	ASSERT_OK(item_rmdir("devices", "plat_d1"));
	/* Removing an enabled instance without devices disables it */
	ASSERT_OK(item_rmdir("iommus", "plat_s0"));
	/* The device that named it can no longer be enabled */
	EXPECT_ERR(ENODEV, DEV_W("plat_d0", "enable", "1"));
}

TEST_F(platform, disable_reenable)
{
	char *dump;

	ASSERT_OK(make_iommu("plat_s0", "smmuv3"));
	ASSERT_OK(make_dev("plat_d0", "plat_s0", 1, 0, true));
	ASSERT_OK(DEV_W("plat_d0", "enable", "0"));
	ASSERT_OK(IOMMU_W("plat_s0", "enable", "0"));
	ASSERT_OK(IOMMU_W("plat_s0", "oas", "40"));
	ASSERT_OK(IOMMU_W("plat_s0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "0"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));

	dump = topology_read();
	if (!dump)
		SKIP(return, "no %s", TOPOLOGY);
	EXPECT_TOPOLOGY(dump, "iommus:", "plat_s0", "oas", "40");
	EXPECT_TOPOLOGY(dump, "devices:", "plat_d0", "enabled", "1");
	free(dump);

	ASSERT_OK(DEV_W("plat_d0", "enable", "0"));
	dump = topology_read();
	ASSERT_NE(NULL, dump);
	EXPECT_TOPOLOGY(dump, "devices:", "plat_d0", "enabled", "0");
	EXPECT_TOPOLOGY(dump, "devices:", "plat_d0", "hwgroup", "-");
	EXPECT_TOPOLOGY(dump, "iommus:", "plat_s0", "devices", "0");
	free(dump);
}

TEST_F(platform, group_tags)
{
	char ga[64], gb[64], gc[64], gd[64], val[256];
	char *dump, *line;

	ASSERT_OK(make_iommu("plat_s0", "smmuv3"));
	ASSERT_OK(make_iommu("plat_v0", "vtd"));
	/* a and b share tag 5 on one instance: one group */
	ASSERT_OK(make_dev("plat_a", "plat_s0", 1, 5, true));
	ASSERT_OK(make_dev("plat_b", "plat_s0", 2, 5, true));
	/* tag 0: a group of its own */
	ASSERT_OK(make_dev("plat_c", "plat_s0", 3, 0, true));
	/* tag 5 on another instance: another group */
	ASSERT_OK(make_dev("plat_d", "plat_v0", 1, 5, true));
	/* two tag-0 devices do not share */
	ASSERT_OK(make_dev("plat_e", "plat_s0", 4, 0, true));

	dump = topology_read();
	if (!dump)
		SKIP(return, "no %s", TOPOLOGY);
	ASSERT_OK(topology_get(dump, "devices:", "plat_a", "hwgroup", ga,
			       sizeof(ga)));
	ASSERT_OK(topology_get(dump, "devices:", "plat_b", "hwgroup", gb,
			       sizeof(gb)));
	ASSERT_OK(topology_get(dump, "devices:", "plat_c", "hwgroup", gc,
			       sizeof(gc)));
	ASSERT_OK(topology_get(dump, "devices:", "plat_d", "hwgroup", gd,
			       sizeof(gd)));
	EXPECT_STREQ(ga, gb);
	EXPECT_STRNE(ga, gc);
	EXPECT_STRNE(ga, gd);
	ASSERT_OK(topology_get(dump, "devices:", "plat_e", "hwgroup", val,
			       sizeof(val)));
	EXPECT_STRNE(gc, val);

	/* The group section lists the shared group once, with both members */
	EXPECT_TOPOLOGY(dump, "groups:", ga, "devices", "plat_a,plat_b");
	EXPECT_TOPOLOGY(dump, "groups:", ga, "tag", "5");
	EXPECT_TOPOLOGY(dump, "groups:", ga, "owner", "no");
	EXPECT_TOPOLOGY(dump, "groups:", gd, "iommu", "plat_v0");
	EXPECT_TOPOLOGY(dump, "groups:", gc, "devices", "plat_c");
	/* Every group starts on the blocking domain */
	line = strstr(strstr(dump, "groups:"), ga);
	ASSERT_NE(NULL, line);
	line = strchr(line, '\n');
	ASSERT_NE(NULL, line);
	EXPECT_EQ(0, strncmp(line + 1, "    pasid 0: blocked ", 21));
	free(dump);

	/* The group outlives a member's removal and goes with the last one */
	ASSERT_OK(item_rmdir("devices", "plat_a"));
	dump = topology_read();
	ASSERT_NE(NULL, dump);
	EXPECT_TOPOLOGY(dump, "devices:", "plat_b", "hwgroup", ga);
	EXPECT_TOPOLOGY(dump, "groups:", ga, "devices", "plat_b");
	free(dump);
	ASSERT_OK(DEV_W("plat_b", "enable", "0"));
	dump = topology_read();
	ASSERT_NE(NULL, dump);
	EXPECT_ERR(ENOENT, topology_get(dump, "groups:", ga, "devices", val,
					sizeof(val)));
	free(dump);
}

TEST_F(platform, topology_lists_items)
{
	char val[64];
	char *dump;

	ASSERT_OK(item_mkdir("iommus", "plat_s0"));
	ASSERT_OK(item_mkdir("devices", "plat_d0"));
	dump = topology_read();
	if (!dump)
		SKIP(return, "no %s", TOPOLOGY);
	EXPECT_TOPOLOGY(dump, "iommus:", "plat_s0", "type", "-");
	EXPECT_TOPOLOGY(dump, "iommus:", "plat_s0", "enabled", "0");
	EXPECT_TOPOLOGY(dump, "devices:", "plat_d0", "iommu", "-");
	free(dump);

	ASSERT_OK(IOMMU_W("plat_s0", "type", "vtd"));
	ASSERT_OK(IOMMU_W("plat_s0", "ias", "57"));
	ASSERT_OK(IOMMU_W("plat_s0", "enable", "1"));
	ASSERT_OK(DEV_W("plat_d0", "iommu", "plat_s0"));
	ASSERT_OK(DEV_W("plat_d0", "id", "0x10"));
	ASSERT_OK(DEV_W("plat_d0", "enable", "1"));
	dump = topology_read();
	ASSERT_NE(NULL, dump);
	EXPECT_TOPOLOGY(dump, "iommus:", "plat_s0", "type", "vtd");
	EXPECT_TOPOLOGY(dump, "iommus:", "plat_s0", "ias", "57");
	EXPECT_TOPOLOGY(dump, "iommus:", "plat_s0", "devices", "1");
	EXPECT_TOPOLOGY(dump, "devices:", "plat_d0", "id", "0x10");
	free(dump);

	/* Removed items leave the dump */
	ASSERT_OK(item_rmdir("devices", "plat_d0"));
	ASSERT_OK(item_rmdir("iommus", "plat_s0"));
	dump = topology_read();
	ASSERT_NE(NULL, dump);
	EXPECT_ERR(ENOENT, topology_get(dump, "iommus:", "plat_s0", "type",
					val, sizeof(val)));
	EXPECT_ERR(ENOENT, topology_get(dump, "devices:", "plat_d0", "id",
					val, sizeof(val)));
	free(dump);
}

TEST_HARNESS_MAIN
