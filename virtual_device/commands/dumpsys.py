"""dumpsys: the system services' dumps in their Android 14 shapes (parsable like the real captures)."""

from __future__ import annotations

import time
import zlib

from virtual_device import memory
from virtual_device.commands import CommandContext, command
from virtual_device.commands.activity import SERVICES

LAUNCHER = ("com.google.android.apps.nexuslauncher", "com.google.android.apps.nexuslauncher.NexusLauncherActivity")


def _hex(seed: str) -> str:
    return f"{zlib.crc32(seed.encode()):x}"[:7]


def short_component(pkg: str, cls: str) -> str:
    return f"{pkg}/{cls[len(pkg) :]}" if cls.startswith(pkg + ".") else f"{pkg}/{cls}"


def _foreground(ctx: CommandContext) -> tuple[str, str]:
    screen = ctx.device.screen
    if screen is None:
        return LAUNCHER
    pkg, cls = screen.foreground
    return (pkg, cls) if pkg else LAUNCHER


def _kb(n: int) -> str:
    return f"{n:,}K"


async def battery(ctx: CommandContext, args: list[str]) -> str:
    screen = ctx.device.screen
    level = getattr(screen, "battery_level", 85)
    charging = bool(getattr(screen, "charging", False))
    return (
        "Current Battery Service state:\n"
        f"  AC powered: false\n  USB powered: {'true' if charging else 'false'}\n  Wireless powered: false\n"
        "  Dock powered: false\n  Max charging current: 0\n  Max charging voltage: 0\n"
        f"  Charge counter: {level * 44_100}\n  status: {2 if charging else 3}\n  health: 2\n  present: true\n"
        f"  level: {level}\n  scale: 100\n  voltage: {3_700 + level * 5}\n  temperature: 284\n"
        "  technology: Li-ion\n  Charging state: 1\n  Charging policy: 1\n  Capacity level: -1\n"
    )


async def meminfo(ctx: CommandContext, args: list[str]) -> str:
    device = ctx.device
    up = int(device.uptime() * 1000)
    head = f"Applications Memory Usage (in Kilobytes):\nUptime: {up} Realtime: {up + 81_234}\n"
    names = [a for a in args if not a.startswith("-")]
    if names:
        target = names[0]
        procs = [p for p in device.processes.all() if p.name == target or str(p.pid) == target]
        if not procs:
            return f"No process found for: {target}\n"
        out = [head]
        for p in procs:
            pss = p.rss * 6 // 10
            out.append(
                f"\n** MEMINFO in pid {p.pid} [{p.name}] **\n"
                "                   Pss  Private  Private  SwapPss      Rss     Heap     Heap     Heap\n"
                "                 Total    Dirty    Clean    Dirty    Total     Size    Alloc     Free\n"
                "                ------   ------   ------   ------   ------   ------   ------   ------\n"
                f"  Native Heap {pss // 4:9d} {pss // 4 - 40:8d} {0:8d} {120:8d} {pss // 4 + 800:8d} "
                f"{pss // 3:8d} {pss // 4:8d} {pss // 12:8d}\n"
                f"  Dalvik Heap {pss // 6:9d} {pss // 6 - 20:8d} {0:8d} {40:8d} {pss // 6 + 300:8d} "
                f"{pss // 5:8d} {pss // 6:8d} {pss // 30:8d}\n"
                f"        TOTAL {pss:8d} {pss * 7 // 10:8d} {pss // 10:8d} {160:8d} {p.rss:8d} "
                f"{pss // 3 + pss // 5:8d} {pss // 4 + pss // 6:8d} {pss // 12 + pss // 30:8d}\n"
                "\n App Summary\n                       Pss(KB)                        Rss(KB)\n"
                "                        ------                         ------\n"
                f"           Java Heap: {pss // 6:8d}                       {pss // 6 + 300:8d}\n"
                f"         Native Heap: {pss // 4:8d}                       {pss // 4 + 800:8d}\n"
                f"           TOTAL PSS: {pss:8d}            TOTAL RSS: {p.rss:8d}      TOTAL SWAP PSS: {160:8d}\n"
            )
        return "".join(out)
    procs = sorted(device.processes.all(), key=lambda p: -p.rss)
    lines = [head, "\nTotal PSS by process:\n"]
    for p in procs:
        if p.rss:
            lines.append(f"{_kb(memory.pss_kb(p.rss)):>15}: {p.name} (pid {p.pid})\n")
    mem = memory.snapshot(device)
    lines.append(
        f"\nTotal RAM: {_kb(mem.total)} (status normal)\n"
        f" Free RAM: {_kb(mem.free_ram)} ({_kb(mem.cached_pss):>11} cached pss + {_kb(mem.cached_kernel):>11} "
        f"cached kernel + {_kb(mem.free):>11} free)\n"
        f" Used RAM: {_kb(mem.used_ram)} ({_kb(mem.used_pss):>11} used pss + {_kb(mem.kernel):>11} kernel)\n"
        f" Lost RAM: {_kb(mem.lost)}\n"
        f"     ZRAM: {_kb(mem.zram)} physical used for {_kb(mem.swap_used)} in swap "
        f"({_kb(mem.swap_total)} total swap)\n"
        "   Tuning: 256 (large 512), oom   322,560K, restore limit   107,520K (high-end-gfx)\n"
    )
    return "".join(lines)


async def cpuinfo(ctx: CommandContext, args: list[str]) -> str:
    now = ctx.device.now()
    t1 = time.strftime("%Y-%m-%d %H:%M:%S.000", time.localtime(now - 61))
    t2 = time.strftime("%Y-%m-%d %H:%M:%S.000", time.localtime(now - 1))
    lines = ["Load: 2.61 / 2.48 / 2.35\n", f"CPU usage from 60312ms to 312ms ago ({t1} to {t2}):\n"]
    total_user = total_kernel = 0.0
    for p in sorted(ctx.device.processes.all(), key=lambda p: -(p.rss % 97))[:15]:
        user = round((p.rss % 97) / 10, 1)
        kernel = round((p.pid % 23) / 10, 1)
        total_user += user
        total_kernel += kernel
        lines.append(
            f"  {user + kernel:g}% {p.pid}/{p.name}: {user:g}% user + {kernel:g}% kernel"
            f" / faults: {p.rss // 100} minor\n"
        )
    tu, tk = total_user / 8, total_kernel / 8
    lines.append(f"{tu + tk:.1f}% TOTAL: {tu:.1f}% user + {tk:.1f}% kernel + 0.1% iowait + 0.2% irq + 0.1% softirq\n")
    return "".join(lines)


async def display(ctx: CommandContext, args: list[str]) -> str:
    d = ctx.device
    pw, ph = d.physical_size
    w, h = d.override_size or d.physical_size
    dens = d.override_density or d.physical_density
    uid = "local:4619827259835644672"
    info = (
        f'DisplayInfo{{"Built-in Screen", displayId 0, displayGroupId 0, FLAG_SECURE, FLAG_SUPPORTS_PROTECTED_'
        f"BUFFERS, FLAG_TRUSTED, real {w} x {h}, largest app {h} x {h}, smallest app {w} x {w}, appVsyncOff "
        f"7500000, presDeadline 11666666, mode 1, defaultMode 1, modes [{{id=1, width={pw}, height={ph}, "
        f"fps=60.0, vsync=60.0, synthetic=false, alternativeRefreshRates=[120.0]}}], rotation 0, state ON, "
        f"committedState ON, density {dens} ({dens}.0 x {dens}.0) dpi}}"
    )
    return (
        "DISPLAY MANAGER (dumpsys display)\n"
        "  mOnlyCode=false\n  mSafeMode=false\n  mPendingTraversal=false\n"
        "  mViewports=[DisplayViewport{type=INTERNAL, valid=true, isActive=true, displayId=0, "
        f"uniqueId='{uid}', physicalPort=0, orientation=0, logicalFrame=Rect(0, 0 - {w}, {h}), "
        f"physicalFrame=Rect(0, 0 - {pw}, {ph}), deviceWidth={pw}, deviceHeight={ph}}}]\n"
        "  mDefaultDisplayDefaultColorMode=0\n"
        "\nDisplay Devices: size=1\n"
        f'  DisplayDeviceInfo{{"Built-in Screen": uniqueId="{uid}", {pw} x {ph}, modeId 1, '
        f"renderFrameRate 60.0, defaultModeId 1, density {d.physical_density}, 420.0 x 420.0 dpi, "
        "touch INTERNAL, rotation 0, type INTERNAL, state ON}\n"
        "\nLogical Displays: size=1\n"
        "  Display 0:\n"
        f"    mBaseDisplayInfo={info}\n"
        f"    mOverrideDisplayInfo={info}\n"
        "    mCurrentOrientation=0\n"
        "    orientation=0\n"
    )


async def window(ctx: CommandContext, args: list[str]) -> str:
    pkg, cls = _foreground(ctx)
    comp = short_component(pkg, cls)
    d = ctx.device
    w, h = d.override_size or d.physical_size
    token = _hex(pkg + cls)
    focus = (
        f"  mCurrentFocus=Window{{{_hex(cls)} u0 {pkg}/{cls}}}\n"
        f"  mFocusedApp=ActivityRecord{{{token} u0 {comp} t{12 + len(pkg) % 20}}}\n"
    )
    displays = (
        "WINDOW MANAGER DISPLAY CONTENTS (dumpsys window displays)\n"
        f"  Display: mDisplayId=0 rootTasks=4\n"
        f"    init={d.physical_size[0]}x{d.physical_size[1]} {d.physical_density}dpi "
        f"cur={w}x{h} app={w}x{h - 63} rng={w}x{w - 63}-{h}x{h - 63}\n"
        "    mCurrentRotation=ROTATION_0\n"
        f"{focus}"
    )
    if args[:1] == ["displays"]:
        return displays
    if args[:1] == ["windows"]:
        return "WINDOW MANAGER WINDOWS (dumpsys window windows)\n" + focus
    return (
        "WINDOW MANAGER LAST ANR (dumpsys window lastanr)\n  <no ANR has occurred since boot>\n"
        "-------------------------------------------------------------------------------\n"
        "WINDOW MANAGER POLICY STATE (dumpsys window policy)\n"
        "    mSafeMode=false mSystemReady=true mSystemBooted=true\n"
        "-------------------------------------------------------------------------------\n"
        + displays
        + "-------------------------------------------------------------------------------\n"
        "WINDOW MANAGER WINDOWS (dumpsys window windows)\n"
        f"  Window #0 Window{{{_hex(cls)} u0 {pkg}/{cls}}}:\n"
        f"    mDisplayId=0 rootTaskId={12 + len(pkg) % 20} mSession=Session{{{token} 2563:u0a10183}} "
        "mClient=android.os.BinderProxy@1f2e3d4\n"
        "\n" + focus
    )


async def activity(ctx: CommandContext, args: list[str]) -> str:
    pkg, cls = _foreground(ctx)
    comp = short_component(pkg, cls)
    task = 12 + len(pkg) % 20
    record = f"ActivityRecord{{{_hex(pkg + cls)} u0 {comp} t{task}}}"
    pkg_info = ctx.device.packages.get(pkg)
    uid = pkg_info.uid if pkg_info else 10183
    return (
        "ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)\n"
        "Display #0 (activities from top to bottom):\n"
        f"  * Task{{{_hex(pkg)} #{task} type=standard A={uid}:{pkg} U=0 visible=true visibleRequested=true "
        "mode=fullscreen translucent=false sz=1}\n"
        f"    mResumedActivity: {record}\n"
        f"    * Hist  #0: {record}\n"
        f"      packageName={pkg} processName={pkg}\n"
        f"      intent={{act=android.intent.action.MAIN cat=[android.intent.category.LAUNCHER] "
        f"flg=0x10200000 cmp={comp}}}\n"
        "\n"
        f"  topResumedActivity={record}\n"
        f"  ResumedActivity: {record}\n"
    )


async def dump_package(ctx: CommandContext, args: list[str]) -> int:
    names = [a for a in args if not a.startswith("-")]
    pkg = ctx.device.packages.get(names[0]) if names else None
    if pkg is None or not ctx.device.installed_for_user(pkg.name):
        await ctx.out(f"Unable to find package: {names[0] if names else ''}\n")
        return 0
    fmt = "%Y-%m-%d %H:%M:%S"
    first = time.strftime(fmt, time.localtime(pkg.first_install))
    last = time.strftime(fmt, time.localtime(pkg.last_update))
    flags = "[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]" if pkg.system else "[ HAS_CODE ALLOW_CLEAR_USER_DATA ]"
    activity_block = ""
    if pkg.activity:
        activity_block = (
            "Activity Resolver Table:\n  Non-Data Actions:\n      android.intent.action.MAIN:\n"
            f"        {_hex(pkg.activity)} {short_component(pkg.name, pkg.activity)} filter {_hex(pkg.name)}\n"
            '          Action: "android.intent.action.MAIN"\n'
            '          Category: "android.intent.category.LAUNCHER"\n\n'
        )
    await ctx.out(
        activity_block + "Packages:\n"
        f"  Package [{pkg.name}] ({_hex(pkg.name)}):\n"
        f"    appId={pkg.uid}\n"
        f"    pkg=Package{{{_hex(pkg.path)} {pkg.name}}}\n"
        f"    codePath={pkg.code_path}\n"
        f"    resourcePath={pkg.code_path}\n"
        f"    legacyNativeLibraryDir={pkg.code_path}/lib\n"
        "    extractNativeLibs=false\n"
        "    primaryCpuAbi=arm64-v8a\n"
        "    secondaryCpuAbi=null\n"
        "    cpuAbiOverride=null\n"
        f"    versionCode={pkg.version_code} minSdk=28 targetSdk=34\n"
        "    minExtensionVersions=[]\n"
        f"    versionName={pkg.version_name}\n"
        "    usesNonSdkApi=false\n"
        f"    flags={flags}\n"
        f"    timeStamp={last}\n"
        f"    firstInstallTime={first}\n"
        f"    lastUpdateTime={last}\n"
        f"    installerPackageName={pkg.installer or 'null'}\n"
        f"    User 0: ceDataInode=0 installed=true hidden=false suspended=false distractionFlags=0 stopped=false "
        f"notLaunched=false enabled={0 if pkg.enabled else 3} instant=false virtual=false\n"
        f"    userId={pkg.uid}\n"
    )
    return 0


_WIFI_NEIGHBOURS = (
    ("HomeNet-5G", "3c:84:6a:11:22:33", 5180, -52, "[RSN-SAE-CCMP][RSN-PSK-CCMP][ESS][WPS]"),
    ("HomeNet", "3c:84:6a:11:22:32", 2437, -47, "[RSN-PSK-CCMP][ESS][WPS]"),
    ("DIRECT-7B-HP OfficeJet", "02:00:00:4e:1a:7b", 2462, -71, "[RSN-PSK-CCMP][ESS][WPS]"),
    ("Vodafone-8C21", "02:00:00:9c:8c:21", 5240, -78, "[RSN-PSK-CCMP][ESS]"),
    ("", "02:00:00:31:05:aa", 5500, -84, "[RSN-PSK-CCMP][ESS]"),
)


async def wifi(ctx: CommandContext, args: list[str]) -> str:
    """An Android 14 `dumpsys wifi` of a phone on its home 5 GHz network (the sections a bugreport has)."""
    cfg = ctx.device.config
    ip = cfg.get("wlan_ip", "192.168.1.47")
    mac = cfg.get("wlan_mac", "a2:3f:6c:9e:41:d7")
    now = ctx.device.now()
    up_ms = int(ctx.device.uptime() * 1000)

    def stamp(ago: float) -> str:
        t = now - ago
        return time.strftime("%m-%d %H:%M:%S", time.localtime(t)) + f".{int(t * 1000) % 1000:03d}"

    events = [
        (
            "ConnectableState",
            "L3ConnectedState",
            "CMD_RSSI_POLL",
            'screen=on 1 0 "HomeNet-5G" 3c:84:6a:11:22:33 '
            "rssi=-52 f=5180 sc=60 link=1201 tx=1.2, 0.0, 0.0 rx=3.1 bcn=0 [on:0 tx:0 rx:0 period:3005] from screen "
            "[on:0 period:1842013]",
        ),
        ("L3ConnectedState", "L3ConnectedState", "CMD_ONESHOT_RSSI_POLL", "screen=on 0 0"),
        ("ConnectableState", "L3ConnectedState", "CMD_SCREEN_STATE_CHANGED", "screen=on 1 0"),
        ("ConnectableState", "L3ConnectedState", "CMD_SET_SUSPEND_OPT_ENABLED", "screen=on 0 0"),
    ]
    records = "".join(
        f" rec[{i}]: time={stamp(3600 - i * 97.3)} processed={p} org={o} dest=<null> what={w} {x}\n"
        for i, (p, o, w, x) in enumerate(events * 5)
    )
    score_rows = "".join(
        f"{stamp(30 - 3 * i)[6:]},0,0,{-52 - i % 3},{-52.4 - (i % 3) / 10:.1f},-80,5180,1201,1080,"
        f"{640 + i * 7},{712 + i * 5},0,{12.4 + i:.1f},0.0,0.0,{3.1 + i / 10:.1f},0,0,1,1,60\n"
        for i in range(10)
    )
    scans = "".join(
        f"  {bssid}  {freq:>9}  {rssi:>8}  {(up_ms - 4_200) / 1000:>12.3f}  {caps:<42s} {ssid}\n"
        for ssid, bssid, freq, rssi, caps in _WIFI_NEIGHBOURS
    )
    return (
        "Verbose logging is off\nmVerboseLoggingLevel 0\nStay-awake conditions: 0\nmInIdleMode false\n"
        "mScanPending false\nSettingsStore:\nWifiState 1\nAirplaneModeOn false\nScanAlwaysAvailable true\n"
        "WifiScoringState true\nWifiPasspointState true\nWifiMultiInternetMode 0\n"
        "Dump of WifiActiveModeWarden\nCurrent wifi mode: EnabledState\n"
        "Wi-Fi is enabled\n"
        "NumActiveModeManagers: 1\nWifiController:\n total records=1\n"
        f" rec[0]: time={stamp(ctx.device.uptime() - 12)} processed=DisabledState org=DisabledState "
        "dest=EnabledState what=CMD_WIFI_TOGGLED\ncurState=EnabledState\n"
        "Dump of ClientModeManager id=1\ncurrent StateMachine mode: ConnectModeState\n"
        "mRole: ROLE_CLIENT_PRIMARY\nmPreviousRole: null\nmClientInterfaceName: wlan0\nmIfaceIsUp: true\n"
        "mSecondaryInternet: false\nmIsDbs: false\n\n"
        "Dump of ClientModeImpl id=2\nWifiClientModeImpl:\n total records=20\n"
        f"{records}curState=L3ConnectedState\n"
        "SupplicantStateTracker:\n total records=1\n"
        f" rec[0]: time={stamp(3700)} processed=DefaultState org=UninitializedState dest=CompletedState "
        "what=147462(0x24006)\ncurState=CompletedState\nmAuthFailureInSupplicantBroadcast false\n"
        "mAuthFailureReason 0\n\n"
        f"mLinkProperties {{InterfaceName: wlan0 LinkAddresses: [ fe80::a03f:6cff:fe9e:41d7/64,{ip}/24 ] "
        "DnsAddresses: [ /192.168.1.1 ] Domains: lan MTU: 1500 ServerAddress: /192.168.1.1 TcpBufferSizes: "
        "524288,1048576,4194304,524288,1048576,4194304 Routes: [ fe80::/64 -> :: wlan0 mtu 0,"
        "192.168.1.0/24 -> 0.0.0.0 wlan0 mtu 0,0.0.0.0/0 -> 192.168.1.1 wlan0 mtu 0 ]}\n"
        f'mWifiInfo SSID: "HomeNet-5G", BSSID: 3c:84:6a:11:22:33, MAC: {mac}, IP: /{ip}, Security type: 2, '
        "Supplicant state: COMPLETED, Wi-Fi standard: 6, RSSI: -52, Link speed: 1201Mbps, Tx Link speed: "
        "1201Mbps, Max Supported Tx Link speed: 2401Mbps, Rx Link speed: 1080Mbps, Max Supported Rx Link speed: "
        "2401Mbps, Frequency: 5180MHz, Net ID: 0, Metered hint: false, score: 60, isUsable: true, "
        "CarrierMerged: false, SubscriptionId: -1, IsPrimary: 1, Trusted: true, Restricted: false, "
        "Ephemeral: false, OEM paid: false, OEM private: false, OSU AP: false, FQDN: <none>, Provider friendly "
        'name: <none>, Requesting package name: <none>"HomeNet-5G"wpa3-sae, MLO Information: , AP MLD '
        "Address: <none>, AP MLO Link Id: <none>, AP MLO Affiliated links: <none>\n"
        f"mDhcpResultsParcelable baseConfiguration IP address {ip}/24 Gateway 192.168.1.1  DNS servers: "
        "[ 192.168.1.1 ] Domains lanleaseDuration 86400mtu 1500serverAddress 192.168.1.1serverHostName "
        "nullvendorInfo null\n"
        "mLastSignalLevel 4\nmLastTxKbps 1201000\nmLastRxKbps 1080000\nmLastBssid 3c:84:6a:11:22:33\n"
        "mLastNetworkId 0\nmLastSubId -1\nmLastSimBasedConnectionCarrierName null\n"
        "mSuspendOptimizationsEnabled true\nmSuspendOptNeedsDisabled 0\nmPowerSaveDisableRequests 0\n"
        "IpClient logs have moved to dumpsys network_stack\n"
        "WifiScoreReport:\ntime,session,netid,rssi,filtered_rssi,rssi_threshold,freq,txLinkSpeed,rxLinkSpeed,"
        "txTput,rxTput,bcnCnt,tx_good,tx_retry,tx_bad,rx_pps,nudrq,nuds,s1,s2,score\n"
        f"{score_rows}externalScorerActive=true\nmShouldReduceNetworkScore=false\n"
        "QosPolicyRequestHandler:\nmQosRequestDialogToken: 0\nmNumQosPoliciesInRequest: 0\n"
        "mQosResourcesAvailable: false\nmQosPolicyStatusList size: 0\nmQosPolicyRequestQueue size: 0\n\n"
        "Dump of ConcreteClientModeManager.Graveyard\nStopped ClientModeImpls: 0 total\n\n"
        "Dump of ActiveModeWarden.Graveyard\nStopped ClientModeManagers: 0 total\n"
        "Stopped SoftApManagers: 0 total\n\n"
        "Dump of HalDeviceManager:\n  mServiceManager: android.hidl.manager@1.0::IServiceManager\n"
        "  mWifi: android.hardware.wifi.IWifi/default\n  mIsReady: true\n  mInterfaceInfoCache: {}\n\n"
        "Locks held:\n\nMulticast Locks held:\n\n"
        "Dump of WifiConfigManager\nWifiConfigManager - Log Begin ----\nWifiConfigManager - Log End ----\n"
        "WifiConfigManager - Configured networks Begin ----\n"
        f' ID: 0 SSID: "HomeNet-5G" PROVIDER-NAME: null BSSID: null FQDN: null HOME-PROVIDER-NETWORK: false '
        "PRIO: 0 HIDDEN: false PMF: true CarrierId: -1 SubscriptionId: -1 SubscriptionGroup: null "
        "Currently Connected: true\n NetworkSelectionStatus NETWORK_SELECTION_ENABLED\n"
        " hasEverConnected: true\n"
        " KeyMgmt: SAE Protocols: RSN\n AuthAlgorithms:\n PairwiseCiphers: CCMP GCMP-256\n"
        " GroupCiphers: CCMP GCMP-256\n GroupMgmtCiphers:\n SuiteBCiphers:\n IP assignment: DHCP\n"
        " Proxy settings: NONE\n cname=com.android.settings cuid=1000 cname=com.android.settings\n"
        f" macRandomizationSetting: 3\n mRandomizedMacAddress: {mac}\n"
        "WifiConfigManager - Configured networks End ----\n\n"
        "Latest scan results:\n    BSSID              Frequency      RSSI           Age(sec)     Flags  SSID\n"
        f"{scans}\n"
        "Dump of WifiNetworkSuggestionsManager\nList of network suggestion(s) from apps:\n\n"
        "Dump of WifiBackupRestore\n\nDump of WifiSettingsConfigStore\nSettings:\n"
        "wifi_p2p_device_name=Pixel 8\nwifi_scan_throttle_enabled=true\nwifi_verbose_logging_enabled=false\n"
        "wifi_default_country_code=US\nwifi_sta_factory_mac_address=" + mac + "\n"
    )


async def connectivity(ctx: CommandContext, args: list[str]) -> str:
    ip = ctx.device.config.get("wlan_ip", "192.168.1.47")
    return (
        "NetworkProviders for:\n  WifiNetworkFactory\n  TelephonyNetworkFactory\n\n"
        "Active default network: 100\n\n"
        "Current Networks:\n"
        "  NetworkAgentInfo{network{100}  handle{432902426637}  ni{WIFI CONNECTED extra: }  "
        "Score(Policies : IS_UNMETERED&EVER_USER_SELECTED&IS_VALIDATED ; KeepConnected : 0)  "
        "everValidated  lastValidated  created  lp{{InterfaceName: wlan0 LinkAddresses: "
        f"[ fe80::a03f:6cff:fe9e:41d7/64,{ip}/24 ] DnsAddresses: [ /192.168.1.1 ] Domains: lan MTU: 1500 "
        "Routes: [ fe80::/64 -> :: wlan0 mtu 0,::/0 -> fe80::1 wlan0 mtu 0,192.168.1.0/24 -> 0.0.0.0 wlan0 mtu 0,"
        "0.0.0.0/0 -> 192.168.1.1 wlan0 mtu 0 ]}}  nc{[ Transports: WIFI Capabilities: NOT_METERED&INTERNET&"
        "NOT_RESTRICTED&TRUSTED&NOT_VPN&VALIDATED&NOT_ROAMING&FOREGROUND&NOT_CONGESTED&NOT_SUSPENDED&"
        "NOT_VCN_MANAGED LinkUpBandwidth>=30000Kbps LinkDnBandwidth>=30000Kbps SignalStrength: -52 "
        'SSID: "HomeNet-5G"]}}\n'
    )


async def notification(ctx: CommandContext, args: list[str]) -> str:
    screen = ctx.device.screen
    lines = ["Current Notification Manager state:\n", "  Notification List:\n"]
    for n in getattr(screen, "notifications", []) if screen is not None else []:
        lines.append(
            f"    NotificationRecord(0x{_hex(n.tag)}: pkg={n.package} user=UserHandle{{0}} id=2020 tag={n.tag} "
            f"importance=3 key=0|{n.package}|2020|{n.tag}|2000: Notification(channel=shell_cmd shortcut=null "
            "contentView=null vibrate=null sound=null defaults=0x0 flags=0x10 color=0x00000000 vis=PRIVATE))\n"
            f"      android.title=String ({n.title})\n"
            f"      android.text=String ({n.text})\n"
        )
    return "".join(lines)


async def diskstats(ctx: CommandContext, args: list[str]) -> str:
    mounts = {m.target: m for m in ctx.fs.mounts()}
    data = mounts.get("/data")
    system = mounts.get("/system")

    def free(m) -> str:
        return f"{m.avail // 1024}K / {m.size // 1024}K total = {m.avail * 100 // m.size if m.size else 0}% free"

    out = ["Latency: 1ms [512B Data Write]\n", "Recent Disk Write Speed (kB/s) = 41827\n"]
    if data is not None:
        out.append(f"Data-Free: {free(data)}\n")
        out.append(f"Cache-Free: {free(data)}\n")
    if system is not None:
        out.append(f"System-Free: {free(system)}\n")
    out.append("File-based Encryption: true\n")
    return "".join(out)


DUMPERS = {
    "battery": battery,
    "meminfo": meminfo,
    "cpuinfo": cpuinfo,
    "display": display,
    "window": window,
    "activity": activity,
    "wifi": wifi,
    "connectivity": connectivity,
    "notification": notification,
    "diskstats": diskstats,
}


@command("dumpsys")
async def dumpsys(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    while args and args[0] in ("-t", "-T") and len(args) > 1:
        args = args[2:]
    if args[:1] == ["-l"]:
        await ctx.out("Currently running services:\n" + "".join(f"  {s}\n" for s in SERVICES))
        return 0
    if not args:
        for name, fn in DUMPERS.items():
            await ctx.out("-" * 79 + f"\nDUMP OF SERVICE {name}:\n")
            await ctx.out(await fn(ctx, []))
        return 0
    service, rest = args[0], args[1:]
    if service == "package":
        if rest:
            return await dump_package(ctx, rest)
        await ctx.out(
            "Packages:\n"
            + "".join(
                f"  Package [{p.name}] ({_hex(p.name)}):\n    userId={p.uid}\n" for p in ctx.device.visible_packages()
            )
        )
        return 0
    fn = DUMPERS.get(service)
    if fn is None:
        if service in SERVICES:
            return 0
        await ctx.err(f"Can't find service: {service}\n")
        return 0
    if service == "activity" and rest and rest[0] not in ("activities", "a", "top", "recents"):
        if rest[0] in ("processes", "p"):
            procs = ctx.device.processes.all()
            await ctx.out(
                "ACTIVITY MANAGER RUNNING PROCESSES (dumpsys activity processes)\n"
                + "".join(
                    f"  *APP* UID {p.uid} ProcessRecord{{{_hex(p.name)} {p.pid}:{p.name}/{p.user.replace('_', '')}}}\n"
                    for p in procs
                    if p.package
                )
            )
            return 0
    await ctx.out(await fn(ctx, rest))
    return 0
