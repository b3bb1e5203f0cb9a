/**
 * The English message catalog: the source every other language translates, key for key. Messages
 * are ICU MessageFormat (`{name}`, `{count, plural, one {…} other {# …}}`); see docs/i18n.md.
 */
export const en = {
  // Whole page
  'app.skipToContent': 'Skip to content',
  'app.anotherDevice': 'Another device',
  'app.close': 'Close',
  'app.settingsOpen': 'Settings',
  'app.historyOpen': 'History',
  'size.bytes': '{count, plural, one {# byte} other {# bytes}}',
  'offer.queue': '{count, plural, one {# offer waiting} other {# offers waiting}}',
  'settings.displayHeading': 'Display',
  'settings.trustHeading': 'Trust',

  // Header
  'header.deviceName': 'Device name',
  'header.save': 'Save',
  'header.rename': 'Rename',
  'header.thisDeviceShort': 'This device',
  'header.thisDevice': 'This device: {device},',
  'header.relaysConnected': '{count, plural, one {# relay connected} other {# relays connected}}',
  'header.relaysConnecting': 'Connecting to relays…',

  // Kinds of device
  'device.phone': 'Phone',
  'device.tablet': 'Tablet',
  'device.laptop': 'Laptop',
  'device.desktop': 'Desktop',
  'device.unknown': 'Device',

  // Rooms a peer was met in
  'room.nearby': 'Nearby',
  'room.link': 'Link',
  'room.nearbySpoken': 'nearby',
  'room.linkSpoken': 'by link',
  'room.bothSpoken': 'nearby and by link',

  // Devices section
  'devices.heading': 'Devices',
  'devices.noneInRoom':
    'No devices yet. Open the link on another device; it appears here by itself.',
  'devices.none': 'No devices yet. Open Ferry on another device on this network, or share a link.',
  'devices.sendToAll': 'Send files to all {count} devices',
  'devices.sendToAllInput': 'Files to send to all devices',

  // Nearby discovery
  'limits.webrtc':
    'This browser cannot make WebRTC connections: Ferry cannot send or receive here. Try Chrome, Edge, Firefox or Safari.',
  'limits.saveToFolder':
    'This browser cannot save into a folder: received files are downloads, several as one zip.',
  'limits.diskStreaming':
    'This browser gives Ferry no storage: received files stay in memory, and very large ones may not fit.',
  'nearby.checking': 'Looking for devices on this network…',
  'nearby.active':
    'Devices on this network with Ferry open appear here by themselves. A nearby device is anyone on this network, or anyone who knows its address, until you compare codes under Verify.',
  'nearby.noStun':
    'Nearby discovery is off: no STUN server is configured. Share a private link to connect instead.',
  'nearby.unavailable':
    'Nearby discovery is unavailable on this network. Share a private link to connect instead.',
  'nearby.linkRelays': 'Nearby waits while this room uses its link’s relays.',
  'nearby.retry': 'Try again',

  // A peer's card
  'peer.trustedSpoken': 'trusted',
  'peer.trustedMark': 'Trusted ✓',
  'peer.sendFiles': 'Send files',
  'peer.sendFolder': 'Send folder',
  'peer.sendText': 'Send text',
  'peer.filesInput': 'Files to send to {name}',
  'peer.folderInput': 'Folder to send to {name}',
  'peer.messageLabel': 'Message or link for {name}',
  'peer.cancel': 'Cancel',
  'peer.send': 'Send',
  'peer.readingFolder': 'Reading the folder…',
  'peer.dropHint': 'or drop files or folders here',
  'peer.sameName': 'Another device here is also called {name}: this one shows {code} under Verify.',
  'peer.sameNameNoCode': 'Another device here is also called {name}.',

  // Verification
  'verify.summary': 'Verify',
  'verify.compare':
    '{name} shows the same code if you are connected to it and nobody else. Compare them.',
  'verify.codeLabel': 'Verification code',
  'verify.working': 'Working out the code…',
  'verify.noCertificate': 'This connection shows no certificate, so there is no code to compare.',
  'verify.trusted': 'Trusted ✓',
  'verify.forget': 'Forget',
  'verify.trust': 'Trust this device',
  'verify.hint': 'Only if both screens show the same code.',

  // Private link
  'link.heading': 'Private link',
  'link.explain': 'Open this link on another device to connect. Anyone with the link can join.',
  'link.label': 'Room link',
  'link.copy': 'Copy',
  'link.copied': 'Copied',
  'link.share': 'Share…',
  'link.shareText': 'Open this link to exchange files with me',
  'link.qrLabel': 'QR code of the room link',
  'link.showQr': 'Show QR code',
  'link.hideQr': 'Hide QR code',
  'link.new': 'New link',
  'link.leave': 'Leave room',
  'link.connectHeading': 'Connect a device',
  'link.connectExplain':
    'Make a private link, then open it on the other device. Files go straight between the two devices, never through a server.',
  'link.create': 'Share a link',

  // Incoming offer
  'offer.heading':
    '{name} wants to send you {count, plural, one {a file} other {# files}} ({size})',
  'offer.trusted': 'A trusted device ✓',
  'offer.unverified': 'Not verified: its code is {code}',
  'offer.unverifiedNoCode': 'Not verified',
  'offer.previews': 'Previews',
  'offer.more': 'and {count} more',
  'offer.noSpace': 'This needs {needed}, but only {free} is free for Ferry on this device.',
  'offer.noSpacePick': 'Choose where to save it instead.',
  'offer.decline': 'Decline',
  'offer.saveAs': 'Save as…',
  'offer.saveToFolder': 'Save to folder…',
  'offer.accept': 'Accept',

  // Folders in offers and transfers
  'tree.folder': '{name}/ ({contents})',
  'tree.files': '{count, plural, one {# file} other {# files}}',
  'tree.emptyFolders': '{count, plural, one {# empty folder} other {# empty folders}}',
  'tree.empty': 'empty',
  'tree.listSeparator': ', ',

  // Transfers
  'transfers.heading': 'Transfers',
  'transfer.to': 'To {name}: {what}',
  'transfer.from': 'From {name}: {what}',
  'transfer.fileCount': '{count, plural, one {# file} other {# files}}',
  'transfer.progressLabel': 'Progress of {heading}',
  'transfer.waitingFor': 'Waiting for {name} to accept…',
  'transfer.waitingForYou': 'Waiting for you',
  'transfer.progress': '{percent} · {done} of {total}',
  'transfer.progressRate': '{percent} · {done} of {total} · {rate}',
  'transfer.progressRateLeft': '{percent} · {done} of {total} · {rate} · {left} left',
  'transfer.sentVerified': 'Sent and verified',
  'transfer.receivedVerified': 'Received and verified',
  'transfer.declinedBy': 'Declined by {name}',
  'transfer.declinedByYou': 'Declined by you',
  'transfer.cancelledBy': 'Cancelled by {name}',
  'transfer.retry': 'Retry',
  'transfer.resume': 'Resume',
  'transfer.discard': 'Discard',
  'transfer.pausedStoragePeer':
    'Paused: {name} ran out of storage space. It goes on when they free some.',
  'transfer.pausedStorage':
    'Paused: this device ran out of storage space. What arrived is kept; free some space, then press Retry.',
  'transfer.interruptedRestored':
    'Interrupted when Ferry was closed. What arrived is kept: press Resume to go on once the sender is back.',
  'transfer.interruptedWaiting':
    'Connection lost. Waiting for {name} to come back; the transfer goes on from where it stopped.',
  'transfer.interruptedProgress': '{text} {done} of {total}.',
  'transfer.cancelled': 'Cancelled',
  'transfer.verified': 'verified',
  'transfer.saveFile': 'Save {name}',
  'transfer.save': 'Save',
  'transfer.emptyFolder': 'empty folder',
  'transfer.folded':
    '{files, plural, one {# file} other {# files}}{folders, plural, =0 {} one {, # empty folder} other {, # empty folders}}',
  'transfer.zipFailed': 'Could not save the zip.',
  'transfer.zipFailedDetail': 'Could not save the zip ({detail}).',
  'transfer.cancel': 'Cancel',
  'transfer.zipping': 'Zipping…',
  'transfer.saveZip': 'Save as zip',
  'transfer.dismiss': 'Dismiss',

  // Texts received
  'texts.heading': 'Messages',
  'texts.from': 'From {name}',
  'texts.copy': 'Copy',
  'texts.copied': 'Copied',
  'texts.dismiss': 'Dismiss',

  // Settings
  'settings.heading': 'Settings',
  'settings.language': 'Language',
  'settings.languageAuto': 'Same as this browser',
  'settings.theme': 'Theme',
  'settings.themeSystem': 'Same as this device',
  'settings.themeLight': 'Light',
  'settings.themeDark': 'Dark',
  'settings.autoAccept': 'Let trusted devices send without asking',
  'settings.trustedHeading': 'Trusted devices',
  'settings.noTrusted':
    'None yet. Open “Verify” on a device, compare the codes on both screens, then trust it.',
  'settings.forget': 'Forget',
  'settings.trustPerVisit':
    'This browser cannot keep Ferry’s device certificate, so other devices’ trust in this one lasts for this visit only.',

  // History
  'history.heading': 'History',
  'history.transfersHeading': 'Sent and received',
  'history.empty': 'Nothing sent or received yet.',
  'history.to': 'To {name}',
  'history.from': 'From {name}',
  'history.namesAndMore': '{names} and {count, plural, one {# more file} other {# more files}}',
  'history.verified': 'Verified ✓',
  'history.complete': 'Done',
  'history.declined': 'Declined',
  'history.cancelled': 'Cancelled',
  'history.failed': 'Failed',
  'history.showAll': 'Show all {count}',
  'history.showFewer': 'Show fewer',
  'history.clear': 'Clear history',
  'history.devicesHeading': 'Known devices',
  'history.noDevices': 'Devices you connect to are listed here.',
  'history.lastSeen': 'last seen {time}',
  'history.forget': 'Forget',

  // Notices
  'notices.dismiss': 'Dismiss',
  'notice.relaysUnreachable':
    "Can't reach any signalling relay, so devices can't find each other. Check the internet connection; Ferry keeps trying.",
  'notice.relaysReachable': 'Connected to a signalling relay again.',
  'notice.joinRefused': 'A device tried to join this room without the right link, and was refused.',
  'peer.blockedMark': 'Blocked',
  'peer.blockedSpoken': '{name}, blocked',
  'peer.blockedReason':
    'It kept sending things Ferry could not accept, so it was disconnected for this visit.',
  'devices.blocked': 'Blocked devices',
  'notice.peerBlocked':
    '{name} kept sending things Ferry could not accept, so it was disconnected and blocked.',
  'notice.peerProtocolError': '{name} sent something Ferry could not accept; it was refused.',
  'notice.offer': '{name} wants to send you {count, plural, one {a file} other {# files}}.',
  'notice.autoAccepted':
    'Receiving {count, plural, one {a file} other {# files}} from {name}, a trusted device.',
  'notice.trustFailed': 'Could not trust {name}: this connection does not show its certificate.',
  'notice.declined': '{name} declined {count, plural, one {the file} other {# files}}.',
  'notice.cancelledSend': '{name} cancelled the transfer.',
  'notice.cancelledReceive':
    '{name} cancelled the transfer of {count, plural, one {the file} other {# files}}.',
  'notice.received': '{name} received {count, plural, one {the file} other {# files}}.',
  'notice.peerGone': '{name} left before the transfer finished.',
  'notice.damagedReceived': 'A file from {name} arrived damaged and was discarded.',
  'notice.damagedSent': '{name} received a damaged copy; it was discarded.',
  'notice.failed': 'The transfer with {name} failed ({code}).',
  'notice.unknownError': 'unknown error',
  'notice.sendPeerGone': '{name} is no longer connected.',
  'notice.sendTooLarge': 'That is more than Ferry can send to {name} in one go; send it in parts.',
  'notice.sendInvalid':
    'Ferry cannot send that to {name}: a name is empty, too long or not allowed.',
  'notice.sendReadFailed':
    'Ferry could not read everything you chose for {name}; nothing was sent.',
  'notice.sendFailed': 'Could not send to {name}.',
  'notice.emptyFoldersOnly':
    'That folder holds no files, only empty folders, so there is nothing to send.',
  'notice.emptyFolder': 'That folder is empty, so there is nothing to send.',

  // Connections: details, settings, devices that cannot connect
  'notice.peerUnreachable':
    'A device was found but could not connect over WebRTC: this network needs a TURN server. Add one in Connection settings.',
  'notice.peerUnreachableWithTurn':
    'A device was found but could not connect, even through the TURN server. Check its addresses and credentials in Connection settings.',
  'connection.summary': 'Connection',
  'connection.label': 'Connection to {name}',
  'connection.route': 'Route',
  'connection.routeDirect': 'Direct',
  'connection.routeRelayed': 'Relayed through a TURN server',
  'connection.routeUnknown': 'Not known yet',
  'connection.roundTrip': 'Round trip',
  'connection.roundTripMs': '{ms} ms',
  'connection.relays': 'Signalling relays',
  'connection.relaysCount': '{open} of {total} connected',
  'connectionSettings.heading': 'Connection settings',
  'connectionSettings.intro':
    'Relays introduce devices to each other; STUN and TURN servers help them connect. Leave a field empty to use Ferry’s defaults. Changes apply when Ferry starts again.',
  'connectionSettings.relays': 'Relays (one wss:// address per line)',
  'connectionSettings.stunUrls': 'STUN servers (one per line)',
  'connectionSettings.turn': 'TURN server',
  'connectionSettings.turnUrls': 'Addresses (one per line)',
  'connectionSettings.username': 'Username',
  'connectionSettings.credential': 'Credential',
  'connectionSettings.relayOnly': 'Send everything through the TURN server',
  'connectionSettings.reset': 'Reset to defaults',
  'connectionSettings.save': 'Save',
  'connectionSettings.invalid': 'Some settings need fixing; nothing was saved.',
  'connectionSettings.saved': 'Saved. They apply when Ferry starts again.',
  'connectionSettings.resetDone': 'Back to the defaults. They apply when Ferry starts again.',
  'connectionSettings.restart': 'Restart Ferry now',
  'connectionSettings.saveFailed': 'This browser would not store the settings.',
  'connectionSettings.errorRelay': 'Not a relay address (wss://…): {entries}',
  'connectionSettings.errorStun': 'Not a STUN address (stun:host:port): {entries}',
  'connectionSettings.errorTurn':
    'Not a TURN address (turn:host:port or turns:host:port): {entries}',
  'connectionSettings.errorTooMany': 'At most {max} addresses.',
  'connectionSettings.errorCredentialsMissing': 'A TURN server needs a username and a credential.',
  'connectionSettings.errorCredentialsTooLong':
    'The username and the credential are limited to 256 characters each.',
  'connectionSettings.errorNoTurn': 'Relaying everything needs a TURN server above.',
  // Offline, staging tray, updates, notifications (PWA)
  'offline.message':
    'You are offline. Finding devices needs an internet connection; Ferry reconnects by itself when the network is back.',
  'staged.heading': 'Ready to send ({count})',
  'staged.clear': 'Clear all',
  'staged.textPrefix': 'Text:',
  'staged.removeFile': 'Remove {name}',
  'staged.removeText': 'Remove text',
  'staged.noDevice': 'No device to send to yet: open Ferry on another device, or share a link.',
  'staged.sendTo': 'Send to {name}',
  'staged.sendToAll': 'Send to all {count} devices',
  'staged.addedFiles':
    'Added {count, plural, one {a file} other {# files}} to send: choose a device under “Ready to send”.',
  'staged.addedText': 'Added text to send: choose a device under “Ready to send”.',
  'staged.addedFilesAndText':
    'Added {count, plural, one {a file} other {# files}} and text to send: choose a device under “Ready to send”.',
  'staged.shareFailed':
    'Ferry could not take in what was shared. Try again, or choose the files in Ferry.',
  'staged.readFailed': 'Ferry could not read everything you dropped; nothing was added.',
  'notice.stalled':
    'The transfer paused while Ferry was in the background. Keep Ferry open and in front until it finishes.',
  'update.ready': 'A new version of Ferry is ready.',
  'update.busy': 'Reload once the transfer has finished: reloading now would stop it.',
  'update.reload': 'Reload to update',
  'notify.heading': 'Notifications',
  'notify.onOffer':
    'Notify me when a device wants to send something while Ferry is in the background',
  'notify.blocked': 'Notifications are blocked for Ferry in this browser’s site settings.',
  // A link that names its own relays, and an address that moves to another room (link-prompts)
  'linkRelays.heading': 'This link names its own relays',
  'linkRelays.body':
    'Whoever made this link chose these relays for this room. Your settings keep your own.',
  'linkRelays.take': 'Use them for this room',
  'linkRelays.refuse': 'Use my own relays',
  'roomSwitch.heading': 'Join another room?',
  'roomSwitch.body': 'The address now names another room. Joining it leaves this one.',
  'roomSwitch.join': 'Join the other room',
  'roomSwitch.stay': 'Stay here',
} as const

export type MessageKey = keyof typeof en
/** A catalog of another language: every key of the English one, and no other. */
export type Catalog = Record<MessageKey, string>
